import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, openTestDatabase, type TestDatabase } from "../../test/support/databases.ts";
import { SqlApiAccessRepository } from "./api-access.repository.ts";
import { newRow } from "./event-rows.ts";
import { SqlOperationalRecords } from "./housekeeping.repository.ts";

const HOUR_MS = 3_600_000;

describe.each(dialects)("operational records on %s", (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
  });
  afterAll(async () => t.drop());

  async function insertSession(id: string, absoluteExpiresAt: number): Promise<void> {
    await t.database.db
      .insertInto("sessions")
      .values({
        id,
        token_hash: `hash-${id}`,
        user_id: "555000000001",
        user_name: "Amelia Hart",
        user_json: "{}",
        role_id: null,
        role_code: null,
        role_name: null,
        org_code: null,
        org_name: null,
        activity_codes: "[]",
        cis2_sid: "sid",
        acr: "AAL3_ANY",
        amr: "[]",
        authenticator: "smartcard-identity-agent",
        aal: 3,
        auth_time: absoluteExpiresAt - 12 * HOUR_MS,
        id_token: null,
        workstation_id: null,
        device_profile: "shared",
        idle_seconds: 900,
        created_at: absoluteExpiresAt - 12 * HOUR_MS,
        last_seen_at: absoluteExpiresAt - 12 * HOUR_MS,
        absolute_expires_at: absoluteExpiresAt,
        ended_at: null,
        end_reason: null,
      })
      .execute();
  }

  /** An inbox row as intake stores it, then moved to `status` as processing would leave it. */
  async function insertEvent(id: string, status: string, processedAt: number | null, reportDue = false) {
    const stored = newRow({
      id,
      source: "uk.nhs.mns",
      externalId: `external-${id}`,
      channel: "http",
      format: "cloudevent",
      type: "pds-change-of-gp-2",
      subjectIndex: "index",
      pdsVersion: 2,
      occurredAt: null,
      receivedAt: new Date((processedAt ?? Date.now()) - 1000),
      correlationId: `correlation-${id}`,
      contentType: "application/cloudevents+json",
      payloadSealed: "sealed",
      intakeInstance: "intake-1",
    });
    await t.database.db
      .insertInto("event_inbox")
      .values({
        ...stored,
        status,
        attempts: 1,
        processed_at: processedAt,
        report_due_at: reportDue ? Date.now() : null,
      })
      .execute();
  }

  it("deletes finished, reported change events before the cutoff, and keeps dead letters and the rest", async () => {
    const cutoff = Date.parse("2026-11-01T00:00:00Z");
    for (let i = 0; i < 5; i++) await insertEvent(`processed-${i}`, "processed", cutoff - (i + 1) * HOUR_MS);
    await insertEvent("skipped", "skipped", cutoff - HOUR_MS);
    await insertEvent("dead", "dead", cutoff - HOUR_MS);
    await insertEvent("unreported", "processed", cutoff - HOUR_MS, true);
    await insertEvent("recent", "processed", cutoff + HOUR_MS);
    await insertEvent("pending", "pending", null);
    const records = new SqlOperationalRecords(t.database.db);
    expect(await records.deleteChangeEventsProcessedBefore(new Date(cutoff), 2)).toBe(6);
    const left = await t.database.db.selectFrom("event_inbox").select("id").orderBy("id").execute();
    expect(left.map((r) => r.id)).toEqual(["dead", "pending", "recent", "unreported"]);
  });

  it("deletes API clients' codes and tokens when they expire, and with their session", async () => {
    const cutoff = Date.parse("2026-10-01T00:00:00Z");
    const access = new SqlApiAccessRepository(t.database.db);
    await insertSession("api-old", cutoff - HOUR_MS);
    await insertSession("api-live", cutoff + 30 * 24 * HOUR_MS);
    const grant = (code: string, sessionId: string, expiresAt: number) =>
      access.insertGrant({
        codeHash: code,
        clientId: "epr",
        sessionId,
        redirectUri: "https://epr/cb",
        codeChallenge: "c",
        scopes: ["launch"],
        createdAt: new Date(expiresAt - 60_000),
        expiresAt: new Date(expiresAt),
      });
    const token = (hash: string, sessionId: string, expiresAt: number) =>
      access.insertToken({
        tokenHash: hash,
        clientId: "epr",
        sessionId,
        codeHash: "g",
        scopes: ["launch"],
        expiresAt: new Date(expiresAt),
      });
    await grant("g-old-session", "api-old", cutoff + 10 * HOUR_MS);
    await token("t-old-session", "api-old", cutoff + 10 * HOUR_MS);
    await grant("g-expired", "api-live", cutoff - 60_000);
    await token("t-expired", "api-live", cutoff - 60_000);
    await token("t-live", "api-live", cutoff + HOUR_MS);
    const records = new SqlOperationalRecords(t.database.db);
    expect(await records.deleteApiAccessExpiredBefore(new Date(cutoff))).toBe(2);
    expect((await records.deleteSessionsExpiredBefore(new Date(cutoff), 10)).sessions).toBe(1);
    const tokens = await t.database.db.selectFrom("api_tokens").select("token_hash").execute();
    const grants = await t.database.db.selectFrom("api_grants").select("code_hash").execute();
    expect(tokens.map((r) => r.token_hash)).toEqual(["t-live"]);
    expect(grants).toEqual([]);
    await t.database.db.deleteFrom("sessions").where("id", "=", "api-live").execute();
  });

  it("deletes every session past the cutoff, batch after batch, and none after it", async () => {
    const cutoff = Date.parse("2026-11-01T00:00:00Z");
    for (let i = 0; i < 7; i++) await insertSession(`old-${i}`, cutoff - (i + 1) * HOUR_MS);
    await insertSession("at-cutoff", cutoff);
    await insertSession("recent", cutoff + HOUR_MS);
    const records = new SqlOperationalRecords(t.database.db);
    const deleted = await records.deleteSessionsExpiredBefore(new Date(cutoff), 3);
    expect(deleted).toEqual({ sessions: 7, patientContexts: 0, pdsChecks: 0, launchIds: 0 });
    const left = await t.database.db.selectFrom("sessions").select("id").orderBy("id").execute();
    expect(left.map((r) => r.id)).toEqual(["at-cutoff", "recent"]);
    expect(await records.deleteSessionsExpiredBefore(new Date(cutoff), 3)).toEqual({
      sessions: 0,
      patientContexts: 0,
      pdsChecks: 0,
      launchIds: 0,
    });
  });
});
