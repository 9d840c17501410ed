/**
 * Two service processes share one PostgreSQL database and one MESH mailbox: exactly one polls (the
 * holder of the `mesh-poller` lease; the other stands by), every event is stored once, and when the
 * polling process is killed with SIGKILL the other takes over once the lease runs out. Each process
 * has its own client certificate, so MESH sees which one lists the inbox.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { SqlLease } from "../../src/storage/lease.repository.ts";
import { type EventsTestDatabase, openEventsDatabase } from "../events/support/events-database.ts";
import { freePort } from "../support/stack.ts";
import { type MeshPair, OUR_MAILBOX, startMeshPair } from "./support/mesh-pair.ts";
import { type PollerProcess, startPollerProcess, until } from "./support/mesh-service.ts";

const A = "SERVER001";
const B = "SERVER002";
const cn = (name: string) => `${name}.X26.api.mesh-client.nhs.uk`;

describe("two instances on PostgreSQL: one MESH poller, and failover", () => {
  let db: EventsTestDatabase;
  let pds: PdsSimulator;
  let pair: MeshPair;
  let keysDir: string;
  const running: PollerProcess[] = [];

  beforeAll(async () => {
    db = await openEventsDatabase("postgres");
    pds = await startPdsSimulator({ port: 0, rateLimitPerSecond: 0 });
    pair = await startMeshPair(pds.origin);
    keysDir = mkdtempSync(join(tmpdir(), "ncrs-mesh-keys-"));
  });
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null) await p.kill();
    await pair.close();
    await pds.close();
    await db.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  const start = async (name: string) => {
    const p = await startPollerProcess(await freePort(), {
      ...pair.env(name),
      DATABASE_URL: db.url,
      PDS_BASE_URL: pds.baseUrl,
      KEYS_DIR: keysDir,
      PROCESS_TAG: name,
      MESH_POLL_MS: "100",
      MESH_LEASE_MS: "2000",
    });
    running.push(p);
    return p;
  };
  const publishMany = async (n: number, nhsNumber: string) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++)
      ids.push(
        (await pair.publish({ type: "pds-change-of-gp-2", format: "fhir", nhsNumber }))["eventId"] as string,
      );
    return ids;
  };
  const storedOnce = async (ids: readonly string[]) => {
    const rows = await db.events
      .selectFrom("event_inbox")
      .select("external_id")
      .where("external_id", "in", ids)
      .execute();
    return rows.length === ids.length && new Set(rows.map((r) => r.external_id)).size === ids.length;
  };
  const listers = (from: number) => new Set(pair.mesh.state.inboxCalls.slice(from).map((c) => c.client));

  it("only the lease holder polls; the other takes over when it is killed", async () => {
    const a = await start(A);
    await until(async () => (await a.status()).holder, "the first instance to take the lease");
    const b = await start(B);
    const firstIds = await publishMany(10, "9991000046");
    await until(() => pair.mesh.inbox(OUR_MAILBOX).length === 0, "the inbox to be drained");
    await until(() => storedOnce(firstIds), "every event stored once");
    expect((await b.status()).polls).toBe(0);
    expect((await b.status()).holder).toBe(false);
    expect(listers(0)).toEqual(new Set([cn(A)]));
    expect(await new SqlLease(db.database.db).holder("mesh-poller", new Date())).toBe(
      (await a.status()).poller,
    );

    await a.kill();
    const afterKill = pair.mesh.state.inboxCalls.length;
    const secondIds = await publishMany(5, "9991000054");
    await until(async () => (await b.status()).holder, "the standby to take over after the lease ran out");
    await until(() => pair.mesh.inbox(OUR_MAILBOX).length === 0, "the standby to drain the inbox");
    await until(() => storedOnce([...firstIds, ...secondIds]), "every event stored once");
    expect(listers(afterKill)).toEqual(new Set([cn(B)]));
    expect(await new SqlLease(db.database.db).holder("mesh-poller", new Date())).toBe(
      (await b.status()).poller,
    );
    await b.stop();
    // A clean stop gives the lease up at once.
    expect(await new SqlLease(db.database.db).holder("mesh-poller", new Date())).toBeNull();
  });
});
