/**
 * The events intake with the MESH poller in a process of its own, for the crash and failover
 * tests: the poller as the composition builds it, every domain event durably recorded, and
 * `GET /healthz` on PORT answering the poller's id and status. Killed with SIGKILL by the tests.
 *
 * Environment: DATABASE_URL, PORT, PDS_BASE_URL, KEYS_DIR, PROCESS_TAG, the MESH_* settings
 * (MESH_URL, MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD, MESH_SHARED_KEY, MESH_CLIENT_CERT,
 * MESH_CLIENT_KEY, MESH_CA_CERT), MESH_POLL_MS and MESH_LEASE_MS.
 * Run: node test/mesh/support/mesh-process.ts
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { MeshClient } from "../../../src/national/mesh/mesh-client.ts";
import { systemClock } from "../../../src/platform/clock.ts";
import { openDatabase } from "../../../src/storage/database.ts";
import { migrateToLatest } from "../../../src/storage/migrate.ts";
import { createRecorderTable, recordDomainEvents } from "../../events/support/event-recorder.ts";
import { buildEventsSystem } from "../../events/support/events-system.ts";
import { testPoller } from "./mesh-poller.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const database = openDatabase(env("DATABASE_URL"), { poolMax: 5 });
await migrateToLatest(database);
await createRecorderTable(database);
const system = buildEventsSystem({
  database,
  pdsBaseUrl: env("PDS_BASE_URL"),
  keysDir: env("KEYS_DIR"),
  settings: { workerEnabled: false },
});
recordDomainEvents(system.bus, database, env("PROCESS_TAG"));
const client = new MeshClient({
  baseUrl: env("MESH_URL"),
  mailboxId: env("MESH_MAILBOX_ID"),
  password: env("MESH_MAILBOX_PASSWORD"),
  sharedKey: env("MESH_SHARED_KEY"),
  tls: {
    cert: readFileSync(env("MESH_CLIENT_CERT"), "utf8"),
    key: readFileSync(env("MESH_CLIENT_KEY"), "utf8"),
    ca: readFileSync(env("MESH_CA_CERT"), "utf8"),
  },
  clock: systemClock,
  timeoutMs: 60_000,
  pageSize: 10,
  clientVersion: "ncrs-connect==test",
});
const { poller } = testPoller(client, system.module.intake, database, {
  pollMs: Number(env("MESH_POLL_MS")),
  leaseMs: Number(env("MESH_LEASE_MS")),
});
const server = createServer((_request, response) => {
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ poller: poller.id, ...poller.status() }));
});
server.listen(Number(env("PORT")), "127.0.0.1");
poller.start();

process.on("SIGTERM", () => {
  void (async () => {
    await poller.stop();
    client.close();
    await system.module.stop();
    server.close();
    await database.close();
    process.exit(0);
  })();
});
