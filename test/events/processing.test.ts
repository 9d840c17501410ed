/**
 * Processing against the real PDS simulator, with events delivered by the MNS simulator: each
 * event type changes the local patient as PDS now says (through the patient domain), a burst about
 * one patient costs one PDS read, duplicates and reordering end in the same state as processing the
 * latest version once, and number changes re-key or block exactly once. Both dialects.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nhsNumber } from "../../src/patients/nhs-number.ts";
import type { Patient } from "../../src/patients/patient.types.ts";
import { PatientIndexService } from "../../src/patients/patient-index.service.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { dialects } from "../support/databases.ts";
import { type EventsTestDatabase, openEventsDatabase } from "./support/events-database.ts";
import { type Harness, startHarness } from "./support/events-harness.ts";
import { buildEventsSystem } from "./support/events-system.ts";

interface Published {
  eventId: string;
  versionId: string;
  event: Record<string, unknown>;
  format: string;
}

const ACTOR = {
  userId: "555000000001",
  userName: "Test Clinician",
  roleId: "555000000101",
  roleCode: "S8000:G8000:R8000",
  orgCode: "Y90001",
  sessionId: "s-1",
  workstationId: null,
};

describe.each(dialects)("event processing (%s)", (dialect) => {
  let h: Harness;
  const patient = async (nhs: string) => (await h.patients.findByAnyNhsNumber(nhsNumber(nhs))) as Patient;
  const reads = async (nhs: string) =>
    ((await h.pdsControl("GET", "stats")) as { byNhsNumber: Record<string, number> }).byNhsNumber[nhs] ?? 0;
  const publish = async (body: Record<string, unknown>) =>
    (await h.mnsControl("publish", body)) as unknown as Published;
  const inboxRow = (externalId: string) =>
    h.db.events
      .selectFrom("event_inbox")
      .selectAll()
      .where("external_id", "=", externalId)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(() => h.close());

  it("applies a change of GP quietly", async () => {
    const sent = await publish({ type: "pds-change-of-gp-2", nhsNumber: "9991000046" });
    await h.drain();
    const atPds = (await h.pdsControl("GET", "patients/9991000046")) as {
      patient: { generalPractitioner: { identifier: { value: string } }[] };
    };
    const local = await patient("9991000046");
    expect(local.demographics.gpOdsCode?.value).toBe(atPds.patient.generalPractitioner[0]?.identifier.value);
    expect(local.demographics.gpOdsCode?.provenance).toMatchObject({
      source: "pds",
      pdsVersion: sent.versionId,
    });
    expect((await h.patients.nationalState(local.id)).version).toBe(Number(sent.versionId));
    expect(await inboxRow(sent.eventId)).toMatchObject({
      status: "processed",
      outcome: "applied",
      notable_json: null,
    });
    expect(h.named("event.processed").at(-1)).toMatchObject({
      externalId: sent.eventId,
      outcome: "applied",
      notable: [],
    });
  });

  it("records a death as notable", async () => {
    const sent = await publish({ type: "pds-death-notification-2", nhsNumber: "9000000033", format: "fhir" });
    await h.drain();
    expect((await patient("9000000033")).demographics.death?.value.notificationStatus).toBe("formal");
    expect(await inboxRow(sent.eventId)).toMatchObject({ outcome: "applied", notable_json: '["deceased"]' });
  });

  it("asks for verification again when identifying details of a verified patient change", async () => {
    await publish({ type: "pds-change-of-gp-2", nhsNumber: "9991000038" });
    await h.drain();
    const before = await patient("9991000038");
    await h.patients.saveVerification(
      before.id,
      { status: "verified", by: ACTOR, at: new Date(), pdsVersion: "1" },
      new Date(),
    );
    const sent = await publish({
      type: "pds-record-change-2",
      nhsNumber: "9991000038",
      change: { family: "Iqbal-Shah" },
    });
    await h.drain();
    expect((await patient("9991000038")).verification.status).toBe("needs_reverification");
    expect(await inboxRow(sent.eventId)).toMatchObject({
      outcome: "applied",
      notable_json: '["verification_needed"]',
    });
  });

  it("costs one PDS read for a burst of events about one patient", async () => {
    const before = await reads("9693632109");
    const sent: Published[] = [];
    for (let i = 0; i < 12; i++)
      sent.push(await publish({ type: "pds-record-change-2", nhsNumber: "9693632109" }));
    await h.drain();
    expect((await reads("9693632109")) - before).toBe(1);
    const newest = sent.at(-1) as Published;
    const local = await patient("9693632109");
    expect((await h.patients.nationalState(local.id)).version).toBe(Number(newest.versionId));
    const outcomes = await Promise.all(sent.map(async (s) => (await inboxRow(s.eventId)).outcome));
    expect(outcomes).toEqual([...Array(11).fill("stale"), "applied"]);
    // Every event is reported once, whatever it found.
    const reported = h
      .named("event.processed")
      .filter((e) => sent.some((s) => s.eventId === e["externalId"]));
    expect(reported).toHaveLength(12);
  });

  it("reads PDS again past its cache for newer news, and not at all for old news", async () => {
    await publish({ type: "pds-record-change-2", nhsNumber: "9991000062" });
    await h.drain();
    const before = await reads("9991000062");
    // PDS's answer is in the adapter's cache, but this event announces a newer version.
    const newer = await publish({ type: "pds-record-change-2", nhsNumber: "9991000062" });
    await h.drain();
    expect((await reads("9991000062")) - before).toBe(1);
    const local = await patient("9991000062");
    expect((await h.patients.nationalState(local.id)).version).toBe(Number(newer.versionId));
    expect((await inboxRow(newer.eventId)).outcome).toBe("applied");
    // The same news again under a new id: we already hold that version, so PDS is not asked,
    // even with nothing cached.
    h.demographics.clearCache();
    const repeat = { ...newer.event, id: "0b7d2c1e-94a4-4f0e-8f7a-3b2a1c0d9e8f" };
    expect((await h.post(JSON.stringify(repeat), "application/cloudevents+json")).status).toBe(202);
    await h.drain();
    expect((await reads("9991000062")) - before).toBe(1);
    expect((await inboxRow("0b7d2c1e-94a4-4f0e-8f7a-3b2a1c0d9e8f")).outcome).toBe("stale");
  });

  it("moves a patient to the surviving NHS number once, however often the change is announced", async () => {
    const sent = await publish({
      type: "nhs-number-change-2",
      nhsNumber: "9991000054",
      survivor: "9732110317",
    });
    await h.drain();
    const moved = await patient("9732110317");
    expect(moved.supersededNhsNumbers).toEqual(["9991000054"]);
    expect(await inboxRow(sent.eventId)).toMatchObject({
      outcome: "rekeyed",
      notable_json: '["nhs_number_superseded"]',
    });
    // The same change announced again under a new id changes nothing and tells nobody.
    const again = { ...sent.event, id: "5e0b9a51-6a9b-4d57-9f6c-0c1d2e3f4a5b" };
    expect((await h.post(JSON.stringify(again), "application/cloudevents+json")).status).toBe(202);
    await h.drain();
    expect(await inboxRow("5e0b9a51-6a9b-4d57-9f6c-0c1d2e3f4a5b")).toMatchObject({
      outcome: "stale",
      notable_json: null,
    });
    expect((await patient("9991000054")).id).toBe(moved.id);
    const rekeys = h.named("patient.national_change_applied").filter((e) => e["outcome"] === "rekeyed");
    expect(rekeys.filter((e) => e["patientId"] === moved.id)).toHaveLength(1);
  });

  it("blocks a withdrawn NHS number once", async () => {
    const sent = await publish({ type: "nhs-number-change-2", nhsNumber: "9991000070" });
    await h.drain();
    const blocked = await patient("9991000070");
    expect(blocked.verification.status).toBe("invalidated");
    expect(await inboxRow(sent.eventId)).toMatchObject({
      outcome: "invalidated",
      notable_json: '["nhs_number_invalidated"]',
    });
    const again = { ...sent.event, id: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d" };
    await h.post(JSON.stringify(again), "application/cloudevents+json");
    await h.drain();
    expect(await inboxRow("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d")).toMatchObject({
      outcome: "stale",
      notable_json: null,
    });
  });

  describe("duplicates and reordering", () => {
    let reference: EventsTestDatabase;
    let keys: string;

    beforeAll(async () => {
      reference = await openEventsDatabase(dialect);
      keys = mkdtempSync(join(tmpdir(), "ncrs-events-ref-"));
    });
    afterAll(async () => {
      await reference.drop();
      rmSync(keys, { recursive: true, force: true });
    });

    it("end in the state of processing the latest version once", async () => {
      const order = (await h.mnsControl("out-of-order", { nhsNumber: "9000000009" })) as {
        older: Published;
        newer: Published;
      };
      await h.mnsControl("duplicate", { eventId: order.newer.eventId });
      const olderAgain = { ...order.older.event, id: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" };
      await h.post(JSON.stringify(olderAgain), "application/cloudevents+json");
      await h.drain();
      expect((await inboxRow(order.newer.eventId)).outcome).toBe("applied");
      expect((await inboxRow(order.older.eventId)).outcome).toBe("stale");

      // The same patient in another database, told only of the newest change, from the same PDS.
      const other = buildEventsSystem({
        database: reference.database,
        pdsBaseUrl: h.pds.baseUrl,
        keysDir: keys,
      });
      await new PatientIndexService({ patients: other.patients, clock: systemClock }).seedDemoPatients();
      await other.module.intake.receive({
        channel: "http",
        contentType: "application/cloudevents+json",
        body: Buffer.from(JSON.stringify(order.newer.event)),
        correlationId: "reference",
      });
      while ((await other.module.worker.runOnce()) > 0);

      const strip = async (repository: typeof h.patients) => {
        const p = (await repository.findByNhsNumber(nhsNumber("9000000009"))) as Patient;
        const fields = Object.entries(p.demographics).map(([k, v]) => [
          k,
          v?.value,
          v?.provenance.source,
          v?.provenance.pdsVersion,
        ]);
        return {
          fields,
          confidentiality: p.confidentiality,
          verification: p.verification.status,
          national: await repository.nationalState(p.id),
        };
      };
      expect(await strip(h.patients)).toEqual(await strip(other.patients));
      expect((await strip(h.patients)).national.version).toBe(Number(order.newer.versionId));
    });
  });
});
