/**
 * Runs the CIS2 simulator on its own: `node simulators/cis2/main.ts`.
 * CIS2_SIM_PORT (default 3101) sets the port; CIS2_SIM_CLIENTS may name a JSON file holding an
 * array of client registrations in Connection Manager's shape.
 */
import { readFile } from "node:fs/promises";
import { parseRegistration } from "./clients.ts";
import { type Cis2ClientRegistration, startCis2Simulator } from "./server.ts";

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

async function readClients(path: string | undefined): Promise<Cis2ClientRegistration[]> {
  if (!path) return [];
  const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
  if (!Array.isArray(parsed)) throw new Error(`${path}: expected a JSON array of client registrations`);
  return parsed.map(parseRegistration);
}

function readPort(value: string | undefined): number {
  const port = Number(value ?? "3101");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`CIS2_SIM_PORT is not a port: ${value}`);
  return port;
}

const simulator = await startCis2Simulator({
  port: readPort(process.env["CIS2_SIM_PORT"]),
  clients: await readClients(process.env["CIS2_SIM_CLIENTS"]),
  log,
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`cis2-sim: ${signal} received, stopping`);
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
