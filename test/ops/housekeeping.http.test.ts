/**
 * Housekeeping through the real app, on both databases: a clinician's session with everything a
 * patient journey leaves (a patient context, a PDS check, a launch id) is deleted once its absolute
 * limit is more than SESSION_RECORDS_RETENTION_DAYS past, and not a day sooner; a session still
 * within retention stays; a processed change event leaves the inbox EVENTS_RETENTION_DAYS after
 * processing; the audit trail keeps every record; expired logout-token ids go; the deletion is
 * logged and counted without identifiers; a second pass finds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewSession } from "../../src/identity/identity.ports.ts";
import { SqlLogoutTokenReplayGuard } from "../../src/storage/logout-token-replay.repository.ts";
import { SqlSessionRepository } from "../../src/storage/session.repository.ts";
import { dialects } from "../support/databases.ts";
import { HttpAgent } from "../support/http-agent.ts";
import { verifiedPatientPage } from "../support/launch.ts";
import { metricValue } from "../support/metrics.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const TABLES = ["sessions", "patient_contexts", "pds_checks", "launch_intents"] as const;

describe.each(dialects)("housekeeping on %s", (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      env: { SESSION_RECORDS_RETENTION_DAYS: "30", EVENTS_RETENTION_DAYS: "30" },
    });
  });
  afterAll(async () => stack.close());

  const db = () => stack.built.database.db;
  async function rowsOf(sessionId: string): Promise<Record<(typeof TABLES)[number], number>> {
    const counts = { sessions: 0, patient_contexts: 0, pds_checks: 0, launch_intents: 0 };
    for (const table of TABLES) {
      const column = table === "sessions" ? "id" : "session_id";
      const row = await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where(column, "=", sessionId)
        .executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    return counts;
  }
  async function auditRecordsOf(sessionId: string): Promise<number> {
    const row = await db()
      .selectFrom("audit_records")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("session_id", "=", sessionId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it("deletes a session's records a retention period after its absolute limit, and keeps the audit trail", async () => {
    const signedInAt = Date.now();
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const page = await verifiedPatientPage(agent, stack.baseUrl, "999 100 0054", "RX1-000101");
    expect(page.body).toContain('name="launch_id"');
    const session = await db()
      .selectFrom("sessions")
      .select(["id", "absolute_expires_at"])
      .where("user_id", "=", USERS.singleRole)
      .executeTakeFirstOrThrow();
    expect(await rowsOf(session.id)).toEqual({
      sessions: 1,
      patient_contexts: 1,
      pds_checks: 1,
      launch_intents: 1,
    });
    const audited = await auditRecordsOf(session.id);
    expect(audited).toBeGreaterThan(0);

    // A session signed in later, still within retention when the first one goes.
    const sessions = new SqlSessionRepository(db());
    const later = laterSession(new Date(signedInAt + 20 * DAY_MS));
    await sessions.insert(later);

    const limit = Number(session.absolute_expires_at);
    const tooSoon = await stack.built.housekeeping.run(new Date(limit + 30 * DAY_MS - HOUR_MS));
    expect(tooSoon.sessions).toBe(0);
    expect((await rowsOf(session.id)).sessions).toBe(1);

    const deletedBefore = await metricValue(stack.baseUrl, "ncrs_housekeeping_deleted_total", {
      record: "sessions",
    });
    const linesBefore = stack.logs.length;
    const due = await stack.built.housekeeping.run(new Date(limit + 30 * DAY_MS + HOUR_MS));
    expect(due).toMatchObject({ sessions: 1, patientContexts: 1, pdsChecks: 1, launchIds: 1 });
    expect(await rowsOf(session.id)).toEqual({
      sessions: 0,
      patient_contexts: 0,
      pds_checks: 0,
      launch_intents: 0,
    });
    expect((await rowsOf(later.id)).sessions).toBe(1);
    expect(await auditRecordsOf(session.id)).toBe(audited);
    expect(await metricValue(stack.baseUrl, "ncrs_housekeeping_deleted_total", { record: "sessions" })).toBe(
      deletedBefore + 1,
    );
    const logged = stack.logs
      .slice(linesBefore)
      .filter((l) => l["msg"] === "housekeeping deleted records past their use");
    expect(logged).toHaveLength(1);
    expect(logged[0]?.["deleted"]).toMatchObject({ sessions: 1, launchIds: 1 });
    expect(JSON.stringify(logged[0])).not.toContain(session.id);

    // The browser still holding the deleted session's cookie is simply signed out.
    const after = await agent.follow(await agent.get(`${stack.baseUrl}/patients`));
    expect(after.url).toMatch(new RegExp(`^${stack.baseUrl}/\\?return_to=`));

    const again = await stack.built.housekeeping.run(new Date(limit + 30 * DAY_MS + HOUR_MS));
    expect(again.sessions).toBe(0);
  });

  it("deletes a change event from the inbox a retention period after it was processed, and keeps its audit records", async () => {
    const published = (await (
      await fetch(`${stack.mns.origin}/_sim/publish`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "pds-change-of-gp-2", nhsNumber: "9991000038" }),
      })
    ).json()) as { eventId: string };
    const inboxRow = () =>
      db()
        .selectFrom("event_inbox")
        .select(["id", "status", "processed_at", "report_due_at"])
        .where("external_id", "=", published.eventId)
        .executeTakeFirst();
    for (let i = 0; i < 400; i++) {
      const row = await inboxRow();
      if (row?.status === "processed" && row.report_due_at === null) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const row = await inboxRow();
    expect(row).toMatchObject({ status: "processed", report_due_at: null });
    const auditedEvents = async () =>
      Number(
        (
          await db()
            .selectFrom("audit_records")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("source", "=", "change-events")
            .executeTakeFirstOrThrow()
        ).n,
      );
    const audited = await auditedEvents();
    expect(audited).toBeGreaterThanOrEqual(2);
    const processedAt = Number(row?.processed_at);

    expect(
      (await stack.built.housekeeping.run(new Date(processedAt + 30 * DAY_MS - HOUR_MS))).changeEvents,
    ).toBe(0);
    expect(await inboxRow()).toBeDefined();
    expect(
      (await stack.built.housekeeping.run(new Date(processedAt + 30 * DAY_MS + HOUR_MS))).changeEvents,
    ).toBe(1);
    expect(await inboxRow()).toBeUndefined();
    expect(await auditedEvents()).toBe(audited);
  });

  it("deletes logout-token ids once they can no longer be replayed", async () => {
    const guard = new SqlLogoutTokenReplayGuard(db());
    const now = new Date();
    expect(await guard.remember(`jti-soon-${dialect}`, now, new Date(now.getTime() + 5 * 60_000))).toBe(true);
    expect(await guard.remember(`jti-later-${dialect}`, now, new Date(now.getTime() + 60 * 60_000))).toBe(
      true,
    );
    const outcome = await stack.built.housekeeping.run(new Date(now.getTime() + 10 * 60_000));
    expect(outcome.logoutTokenIds).toBe(1);
    // The later one is still remembered: presenting it again is a replay.
    expect(await guard.remember(`jti-later-${dialect}`, now, new Date(now.getTime() + 60 * 60_000))).toBe(
      false,
    );
    expect(await guard.remember(`jti-soon-${dialect}`, now, new Date(now.getTime() + 60 * 60_000))).toBe(
      true,
    );
  });
});

function laterSession(at: Date): NewSession {
  return {
    id: `later-${at.getTime()}`,
    tokenHash: `later-token-${at.getTime()}`,
    idToken: "header.payload.signature",
    user: { id: "555000000002", name: "Later User", givenName: "Later" },
    role: null,
    cis2Sid: "later-sid",
    acr: "AAL3_ANY",
    amr: ["N3_SMARTCARD"],
    authenticator: "smartcard-identity-agent",
    authenticationAssurance: 3,
    authTime: at,
    workstationId: null,
    deviceProfile: "shared",
    idleSeconds: 900,
    createdAt: at,
    lastSeenAt: at,
    absoluteExpiresAt: new Date(at.getTime() + 12 * HOUR_MS),
  };
}
