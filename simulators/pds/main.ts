/**
 * Runs the PDS simulator on its own: `node simulators/pds/main.ts`. The port comes from
 * PDS_SIM_PORT (default 3102); request lines go to stderr.
 */
import { startPdsSimulator } from "./server.ts";

const DEFAULT_PORT = 3102;

function portFromEnvironment(): number {
  const { PDS_SIM_PORT: raw } = process.env;
  if (raw === undefined || raw === "") return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PDS_SIM_PORT must be a port number (0-65535), got "${raw}"`);
  }
  return port;
}

async function start() {
  try {
    return await startPdsSimulator({
      port: portFromEnvironment(),
      log: (line) => process.stderr.write(`[pds-sim] ${line}\n`),
    });
  } catch (error) {
    process.stderr.write(
      `[pds-sim] cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
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
        process.stderr.write(`[pds-sim] failed to stop: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
