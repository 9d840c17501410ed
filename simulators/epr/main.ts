/**
 * Runs the EPR simulator on its own: `node simulators/epr/main.ts`. EPR_SIM_PORT (default 3105)
 * sets the port, NCRS_CONNECT_URL (default http://localhost:3000) names NCRS Connect, and
 * EPR_CLIENT_ID (default riverside-epr) its client id, and EPR_FORM_ACTION_ORIGINS (NCRS's and
 * CIS2's origins, space-separated) where NCRS Connect sends the EPR's form posts on to. The client secret is made for this run;
 * the line to add to NCRS Connect's API_CLIENTS is printed at start.
 */
import { newClientSecret } from "./registration.ts";
import { startEprSimulator } from "./server.ts";

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

function readPort(value: string | undefined): number {
  const port = Number(value || "3105");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`EPR_SIM_PORT is not a port: ${value}`);
  return port;
}

const simulator = await startEprSimulator({
  port: readPort(process.env["EPR_SIM_PORT"]),
  ncrsConnectUrl: process.env["NCRS_CONNECT_URL"] || "http://localhost:3000",
  clientId: process.env["EPR_CLIENT_ID"] || "riverside-epr",
  clientSecret: newClientSecret(),
  // NCRS's and CIS2's origins, space-separated: where NCRS Connect redirects the EPR's form posts.
  formActionOrigins: (process.env["EPR_FORM_ACTION_ORIGINS"] ?? "").split(/\s+/).filter(Boolean),
  log,
}).catch((error: unknown) => {
  log(`epr-sim: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

log(`epr-sim: add to NCRS Connect's API_CLIENTS: ${JSON.stringify(simulator.registration)}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`epr-sim: ${signal} received, stopping`);
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
