/**
 * kill -9 between storing and acknowledging: the service (test/mesh/support/mesh-process.ts) stores
 * a MESH message through the intake and asks MESH to acknowledge it; MESH holds the acknowledgement
 * and the process is killed with SIGKILL before it is answered. The message stays in the inbox,
 * comes again to the restarted process, is recognised as a duplicate, acknowledged, and stored
 * once. Both dialects.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { recorderDb } from "../events/support/event-recorder.ts";
import { type EventsTestDatabase, openEventsDatabase } from "../events/support/events-database.ts";
import { dialects } from "../support/databases.ts";
import { freePort } from "../support/stack.ts";
import { type MeshPair, OUR_MAILBOX, startMeshPair } from "./support/mesh-pair.ts";
import { type PollerProcess, startPollerProcess, until } from "./support/mesh-service.ts";

describe.each(dialects)("SIGKILL between storing and acknowledging a MESH message (%s)", (dialect) => {
  let db: EventsTestDatabase;
  let pds: PdsSimulator;
  let pair: MeshPair;
  let keysDir: string;
  const running: PollerProcess[] = [];

  beforeAll(async () => {
    db = await openEventsDatabase(dialect);
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

  const start = async (tag: string) => {
    const p = await startPollerProcess(await freePort(), {
      ...pair.env(),
      DATABASE_URL: db.url,
      PDS_BASE_URL: pds.baseUrl,
      KEYS_DIR: keysDir,
      PROCESS_TAG: tag,
      MESH_POLL_MS: "200",
      MESH_LEASE_MS: "3000",
    });
    running.push(p);
    return p;
  };
  const stored = (externalId: string) =>
    db.events.selectFrom("event_inbox").select("id").where("external_id", "=", externalId).execute();
  const recorded = (tag: string, name: string, externalId: string) =>
    recorderDb(db.database)
      .selectFrom("test_domain_events")
      .select("id")
      .where("process", "=", tag)
      .where("name", "=", name)
      .where("external_id", "=", externalId)
      .execute();

  it("the message comes again after the restart, is a duplicate, is acknowledged, and is stored once", async () => {
    const hold = pair.mesh.holdAcknowledgements();
    const sent = await pair.publish({ type: "pds-change-of-gp-2", format: "fhir", nhsNumber: "9991000038" });
    const eventId = sent["eventId"] as string;
    const [messageId] = pair.mesh.inbox(OUR_MAILBOX);

    const first = await start("first");
    expect(await hold.held()).toBe(messageId);
    // Stored (and its receipt recorded) before the acknowledgement was asked for.
    expect(await stored(eventId)).toHaveLength(1);
    expect(await recorded("first", "event.received", eventId)).toHaveLength(1);

    await first.kill();
    await until(
      () => pair.mesh.state.abandonedAcks.includes(messageId as string),
      "MESH to see the client gone",
    );
    hold.release();
    expect(pair.mesh.inbox(OUR_MAILBOX)).toEqual([messageId]);
    expect(pair.mesh.state.acknowledged).not.toContain(messageId);

    const second = await start("second");
    await until(() => pair.mesh.inbox(OUR_MAILBOX).length === 0, "the restarted poller to drain the inbox");
    expect(pair.mesh.state.acknowledged).toContain(messageId);
    expect(await stored(eventId)).toHaveLength(1);
    expect(await recorded("second", "event.duplicate_received", eventId)).toHaveLength(1);
    expect(await recorded("second", "event.received", eventId)).toHaveLength(0);
    await second.stop();
  });
});
