/**
 * MNS over MESH into the intake: the MNS simulator sends each event as a MESH message into our
 * mailbox, the poller downloads, stores through the intake and only then acknowledges. Duplicates,
 * invalid messages, reports, chunked gzip messages and a full inbox over several pages. Both
 * dialects.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../events/support/events-harness.ts";
import { dialects } from "../support/databases.ts";
import { type MeshPair, MNS_MAILBOX, OUR_MAILBOX, startMeshPair } from "./support/mesh-pair.ts";
import { testPoller } from "./support/mesh-poller.ts";

describe.each(dialects)("MNS events over MESH (%s)", (dialect) => {
  let h: Harness;
  let pair: MeshPair;
  let poller: ReturnType<typeof testPoller>;
  const rows = (channel = "mesh") =>
    h.db.events.selectFrom("event_inbox").selectAll().where("channel", "=", channel).execute();

  beforeAll(async () => {
    h = await startHarness({ dialect, mns: false, settings: { workerEnabled: false } });
    pair = await startMeshPair(h.pds.origin);
    poller = testPoller(pair.client(), h.module.intake, h.db.database);
  });
  afterAll(async () => {
    await poller.poller.stop();
    await pair.close();
    await h.close();
  });

  it("stores each event sent over MESH once, as channel mesh, and acknowledges it only after", async () => {
    const sent = [];
    for (const [type, format] of [
      ["pds-change-of-gp-2", "fhir"],
      ["pds-record-change-2", "cloudevent"],
      ["pds-death-notification-2", "fhir"],
    ])
      sent.push(await pair.publish({ type, format, nhsNumber: "9991000046" }));
    expect(sent.map((s) => s["delivered"])).toEqual([true, true, true]);
    const listed = pair.mesh.inbox(OUR_MAILBOX);
    expect(listed).toHaveLength(3);

    expect(await poller.poller.pollNow()).toBe(true);

    const stored = await rows();
    expect(stored.map((r) => r.external_id).sort()).toEqual(sent.map((s) => s["eventId"]).sort());
    expect(stored.map((r) => r.content_type).sort()).toEqual([
      "application/cloudevents+json",
      "application/fhir+json",
      "application/fhir+json",
    ]);
    expect(pair.mesh.inbox(OUR_MAILBOX)).toEqual([]);
    expect([...pair.mesh.state.acknowledged].sort()).toEqual(expect.arrayContaining([...listed].sort()));
    expect(h.named("event.received").filter((e) => e["channel"] === "mesh")).toHaveLength(3);
  });

  it("acknowledges a second delivery of the same event without storing it again", async () => {
    const sent = await pair.publish({ type: "pds-change-of-gp-2", format: "fhir", nhsNumber: "9991000054" });
    const body = JSON.stringify(sent["event"]);
    pair.mesh.deliver({ from: MNS_MAILBOX, to: OUR_MAILBOX, chunks: [Buffer.from(body)] });
    await poller.poller.pollNow();
    const stored = (await rows()).filter((r) => r.external_id === sent["eventId"]);
    expect(stored).toHaveLength(1);
    expect(pair.mesh.inbox(OUR_MAILBOX)).toEqual([]);
    expect(
      h.named("event.duplicate_received").filter((e) => e["externalId"] === sent["eventId"]),
    ).toHaveLength(1);
  });

  it("records a message that is not a valid MNS event as refused, stores nothing, and acknowledges it", async () => {
    const before = (await rows()).length;
    const junk = pair.mesh.deliver({
      from: MNS_MAILBOX,
      to: OUR_MAILBOX,
      contentType: "application/fhir+json",
      chunks: [Buffer.from(JSON.stringify({ resourceType: "Bundle", type: "history", entry: [] }))],
    });
    await poller.poller.pollNow();
    expect((await rows()).length).toBe(before);
    expect(pair.mesh.inbox(OUR_MAILBOX)).toEqual([]);
    expect(pair.mesh.state.acknowledged).toContain(junk.id);
    expect(poller.outcomes.at(-1)).toBe("refused");
    expect(h.named("event.rejected").at(-1)).toMatchObject({
      channel: "mesh",
      code: "events.schema_invalid",
    });
  });

  it("acknowledges a MESH error report without passing it to the intake", async () => {
    const before = h.recorded.length;
    const report = pair.mesh.deliver({
      from: MNS_MAILBOX,
      to: OUR_MAILBOX,
      messageType: "REPORT",
      statusCode: "14",
      chunks: [Buffer.alloc(0)],
    });
    await poller.poller.pollNow();
    expect(pair.mesh.state.acknowledged).toContain(report.id);
    expect(poller.outcomes.at(-1)).toBe("report");
    expect(h.recorded.slice(before).filter((r) => r.name.startsWith("event."))).toEqual([]);
  });

  it("reassembles a chunked message whose chunks were gzipped one by one", async () => {
    const sent = await pair.publish({ type: "pds-record-change-2", format: "fhir", nhsNumber: "9991000062" });
    // The MNS delivery is in the inbox already: take it back out and send it again in three chunks.
    for (const message of pair.mesh.state.store.inbox(OUR_MAILBOX)) message.status = "acknowledged";
    const text = JSON.stringify(sent["event"]);
    const third = Math.ceil(text.length / 3);
    const chunks = [0, 1, 2].map((i) => gzipSync(text.slice(i * third, (i + 1) * third)));
    const message = pair.mesh.deliver({ from: MNS_MAILBOX, to: OUR_MAILBOX, gzip: true, chunks });
    await poller.poller.pollNow();
    expect(pair.mesh.state.downloads.filter((d) => d.id === message.id).map((d) => d.chunk)).toEqual([
      1, 2, 3,
    ]);
    expect((await rows()).filter((r) => r.external_id === sent["eventId"])).toHaveLength(1);
  });

  it("drains a full inbox over several pages in one poll", async () => {
    const before = (await rows()).length;
    for (let i = 0; i < 25; i++)
      await pair.publish({ type: "pds-change-of-gp-2", format: "fhir", nhsNumber: "9991000070" });
    const calls = pair.mesh.state.inboxCalls.length;
    await poller.poller.pollNow();
    expect((await rows()).length).toBe(before + 25);
    expect(pair.mesh.inbox(OUR_MAILBOX)).toEqual([]);
    // 10 + 10 + 5 by links.next: three listings in the one poll.
    expect(pair.mesh.state.inboxCalls.length - calls).toBe(3);
  });
});
