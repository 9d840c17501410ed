/**
 * Intake over HTTP, with the MNS simulator delivering to the real route: both formats of every
 * subscribed type are stored once with their facts (NHS number and body sealed), duplicates are
 * acknowledged without a second row, and every malformed delivery is refused with its own 4xx and
 * nothing stored. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects } from "../support/databases.ts";
import { type Harness, startHarness } from "./support/events-harness.ts";

interface Published {
  eventId: string;
  event: unknown;
  versionId: string | null;
  delivered: boolean;
  attempts: { status: number | null }[];
}

describe.each(dialects)("event intake (%s)", (dialect) => {
  let h: Harness;
  const rows = () => h.db.events.selectFrom("event_inbox").selectAll().orderBy("received_at").execute();

  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(() => h.close());

  it.each(["cloudevent", "fhir"])(
    "stores a %s of each subscribed type once, with its facts, sealed",
    async (format) => {
      for (const type of ["pds-record-change-2", "pds-change-of-gp-2", "pds-death-notification-2"]) {
        const sent = (await h.mnsControl("publish", {
          type,
          nhsNumber: "9991000046",
          format,
        })) as unknown as Published;
        expect(sent.delivered).toBe(true);
        expect(sent.attempts.map((a) => a.status)).toEqual([202]);
        const row = await h.db.events
          .selectFrom("event_inbox")
          .selectAll()
          .where("external_id", "=", sent.eventId)
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({
          event_type: type,
          format,
          channel: "http",
          status: "pending",
          source: "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324",
          pds_version: Number(sent.versionId),
          content_type: format === "fhir" ? "application/fhir+json" : "application/cloudevents+json",
        });
        // Nothing at rest names the patient in clear.
        expect(JSON.stringify(row)).not.toContain("9991000046");
        expect(h.sealer.open(row.id, row.payload_sealed)).toBe(`9991000046\n${JSON.stringify(sent.event)}`);
        expect(h.protection.indexesOf("9991000046")).toContain(row.subject_index);
      }
    },
  );

  it("acknowledges a second delivery of the same event without storing it again", async () => {
    const before = (await rows()).length;
    const result = (await h.mnsControl("duplicate", {
      type: "pds-change-of-gp-2",
      nhsNumber: "9991000054",
    })) as {
      eventId: string;
      deliveries: Published[];
    };
    expect(result.deliveries.map((d) => d.attempts.map((a) => a.status))).toEqual([[202], [200]]);
    const after = await rows();
    expect(after.length).toBe(before + 1);
    expect(after.filter((r) => r.external_id === result.eventId)).toHaveLength(1);
    expect(h.named("event.duplicate_received").at(-1)).toMatchObject({ externalId: result.eventId });
  });

  const refusals: [string, number, string][] = [
    ["not-json", 400, "events.invalid_json"],
    ["missing-subject", 400, "events.subject_invalid"],
    ["wrong-type", 422, "events.unsupported_type"],
    ["bad-signature", 401, "events.signature_invalid"],
    ["stale-timestamp", 401, "events.signature_expired"],
    ["wrong-content-type", 415, "events.unsupported_media_type"],
  ];
  for (const format of ["cloudevent", "fhir"])
    it.each(refusals)(
      `refuses a ${format} delivery "%s" with %i (%s) and stores nothing`,
      async (kind, status, code) => {
        const before = (await rows()).length;
        const result = (await h.mnsControl("malformed", { kind, format })) as { status: number };
        expect(result.status).toBe(status);
        expect((await rows()).length).toBe(before);
        if (code.startsWith("events.signature")) {
          // Nothing shows who sent an unsigned delivery: it is counted, one record per period.
          await h.refusals.flush();
          expect(h.named("refusals.tallied").at(-1)).toMatchObject({
            code,
            channel: "event_intake",
            count: 1,
          });
        } else {
          expect(h.named("event.rejected").at(-1)).toMatchObject({ code, channel: "http" });
        }
      },
    );

  it("refuses plain JSON, a missing signature and a body that is not an MNS event", async () => {
    const cloudEvent = JSON.stringify({
      specversion: "1.0",
      id: "6f1f5a9e-2f4e-4c55-9d0c-2b8f1a3c9e11",
      source: "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324",
      type: "pds-record-change-2",
      time: "2026-05-01T09:00:00Z",
      subject: "9991000038",
    });
    const before = (await rows()).length;
    expect((await h.post(cloudEvent, "application/json")).status).toBe(415);
    expect((await h.post(cloudEvent, "application/cloudevents+json", "")).status).toBe(401);
    expect((await h.post(cloudEvent, "application/cloudevents+json", "t=1,v1=zz")).status).toBe(401);
    const bundleAsCloudEvent = await h.post(
      JSON.stringify({ resourceType: "Bundle" }),
      "application/cloudevents+json",
    );
    expect(bundleAsCloudEvent.status).toBe(400);
    expect(await bundleAsCloudEvent.json()).toMatchObject({ error: { code: "events.schema_invalid" } });
    const badNumber = cloudEvent.replace("9991000038", "9991000039");
    expect((await h.post(badNumber, "application/cloudevents+json")).status).toBe(400);
    expect((await rows()).length).toBe(before);
    const accepted = await h.post(cloudEvent, "application/cloudevents+json");
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({
      status: "accepted",
      eventId: "6f1f5a9e-2f4e-4c55-9d0c-2b8f1a3c9e11",
    });
  });

  it("records an event about a patient not held locally, then skips it", async () => {
    const sent = (await h.mnsControl("unknown-patient", {})) as { eventId: string };
    await h.drain();
    const row = await h.db.events
      .selectFrom("event_inbox")
      .selectAll()
      .where("external_id", "=", sent.eventId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "skipped", outcome: "not_in_index", patient_id: null });
    expect(h.named("event.processed").find((e) => e["externalId"] === sent.eventId)).toMatchObject({
      outcome: "not_in_index",
      attempts: 1,
      generation: 0,
    });
  });
});
