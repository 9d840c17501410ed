/**
 * Runs the MNS simulator on its own: `node simulators/mns/main.ts`. Settings come from
 * MNS_SIM_PORT (default 3104), MNS_SIM_ENDPOINT and MNS_SIM_SECRET (both required: there is no
 * safe default for where events go or what signs them) and PDS_SIM_ORIGIN (default
 * http://127.0.0.1:3102). Delivery lines go to stderr.
 */
import { startMnsSimulator } from "./server.ts";

const DEFAULT_PORT = 3104;
const DEFAULT_PDS_ORIGIN = "http://127.0.0.1:3102";

function portFromEnvironment(): number {
  const { MNS_SIM_PORT: raw } = process.env;
  if (raw === undefined || raw === "") return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`MNS_SIM_PORT must be a port number (0-65535), got "${raw}"`);
  }
  return port;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} must be set`);
  return value;
}

async function start() {
  try {
    return await startMnsSimulator({
      port: portFromEnvironment(),
      endpoint: required("MNS_SIM_ENDPOINT"),
      secret: required("MNS_SIM_SECRET"),
      pdsOrigin: process.env["PDS_SIM_ORIGIN"] || DEFAULT_PDS_ORIGIN,
      log: (line) => process.stderr.write(`[mns-sim] ${line}\n`),
    });
  } catch (error) {
    process.stderr.write(
      `[mns-sim] cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

const simulator = await start();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`[mns-sim] failed to stop: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
