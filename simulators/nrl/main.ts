/**
 * Runs the NRL simulator on its own: `node simulators/nrl/main.ts`. The port comes from
 * NRL_SIM_PORT (default 3106); no access token is asked for. Request lines go to stderr.
 */
import { startNrlSimulator } from "./server.ts";

const raw = process.env["NRL_SIM_PORT"];
const port = raw === undefined || raw === "" ? 3106 : Number(raw);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`[nrl-sim] NRL_SIM_PORT must be a port number, got "${raw}"\n`);
  process.exit(1);
}
const simulator = await startNrlSimulator({
  port,
  log: (line) => process.stderr.write(`[nrl-sim] ${line}\n`),
});
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void simulator.close().then(() => process.exit(0)));
