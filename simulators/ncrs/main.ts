/**
 * Runs the NCRS simulator on its own: `node simulators/ncrs/main.ts`.
 * NCRS_SIM_PORT (default 3103) sets the port; CIS2_SIM_URL (default http://localhost:3101) names
 * the running CIS2 simulator, whose issuer is read from its `/sim/api/health`;
 * NCRS_SIM_LAUNCH_TEMPLATE optionally sets the launch URL template (the app's configured one).
 */
import { startNcrsSimulator } from "./server.ts";

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

function readPort(value: string | undefined): number {
  const port = Number(value || "3103");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`NCRS_SIM_PORT is not a port: ${value}`);
  return port;
}

/** Asks the CIS2 simulator for its issuer, so the two agree on it without further configuration. */
async function discoverIssuer(cis2Url: string): Promise<string> {
  const health = `${cis2Url}/sim/api/health`;
  let response: Response;
  try {
    response = await fetch(health);
  } catch (error) {
    throw new Error(`cannot reach the CIS2 simulator at ${health} (is it running?): ${String(error)}`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  const issuer =
    typeof body === "object" && body !== null ? (body as { issuer?: unknown }).issuer : undefined;
  if (!response.ok || typeof issuer !== "string") throw new Error(`${health} did not name an issuer`);
  return issuer;
}

async function start() {
  const cis2Url = (process.env["CIS2_SIM_URL"] || "http://localhost:3101").replace(/\/+$/, "");
  const template = process.env["NCRS_SIM_LAUNCH_TEMPLATE"];
  return startNcrsSimulator({
    port: readPort(process.env["NCRS_SIM_PORT"]),
    cis2: { issuer: await discoverIssuer(cis2Url), controlBaseUrl: cis2Url },
    ...(template ? { launchTemplate: template } : {}),
    log,
  });
}

const simulator = await start().catch((error: unknown) => {
  log(`ncrs-sim: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`ncrs-sim: ${signal} received, stopping`);
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
