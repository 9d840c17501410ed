/**
 * The events service in a process of its own, for the crash and two-process tests: intake on
 * PORT, the worker running, every domain event durably recorded (as the audit trail would). The
 * tests kill it with SIGKILL and start it again on the same database.
 *
 * Environment: DATABASE_URL, PORT, PDS_BASE_URL, KEYS_DIR, PROCESS_TAG, PDS_RATE_PER_SECOND
 * (default 5), EVENTS_SETTINGS (JSON overrides of the test settings).
 * Run: node test/events/support/events-process.ts
 */
import { openDatabase } from "../../../src/storage/database.ts";
import { migrateToLatest } from "../../../src/storage/migrate.ts";
import { createRecorderTable, recordDomainEvents } from "./event-recorder.ts";
import { intakeServer } from "./events-harness.ts";
import { buildEventsSystem } from "./events-system.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const database = openDatabase(env("DATABASE_URL"), { poolMax: 10 });
await migrateToLatest(database);
await createRecorderTable(database);
const system = buildEventsSystem({
  database,
  pdsBaseUrl: env("PDS_BASE_URL"),
  keysDir: env("KEYS_DIR"),
  pdsRatePerSecond: Number(process.env["PDS_RATE_PER_SECOND"] ?? "5"),
  settings: JSON.parse(process.env["EVENTS_SETTINGS"] ?? "{}"),
});
recordDomainEvents(system.bus, database, env("PROCESS_TAG"));
const app = await intakeServer(system);
app.get("/healthz", async () => ({ status: "ok", worker: system.module.worker.id }));
await app.listen({ port: Number(env("PORT")), host: "127.0.0.1" });
system.module.start();

process.on("SIGTERM", () => {
  void (async () => {
    await system.module.stop();
    await app.close();
    await database.close();
    process.exit(0);
  })();
});
