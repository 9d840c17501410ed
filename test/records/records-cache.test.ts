/**
 * The records service over the real stores (both dialects) and the NRL simulator, with a clock
 * the test moves: cached answers expire as configured (per type too), Refresh skips the cache,
 * role filtering, and the "seen" rule by user or by organisation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type NrlSimulator, startNrlSimulator } from "../../simulators/nrl/server.ts";
import { createEventBus } from "../../src/domain-events.ts";
import type { Session } from "../../src/identity/identity.types.ts";
import { noAccessToken } from "../../src/national/apim/access-token.ts";
import { NrlClient } from "../../src/national/nrl/nrl-client.ts";
import type { Patient } from "../../src/patients/patient.types.ts";
import { NewDocumentHub } from "../../src/records/new-document-hub.ts";
import type { VisibilityRule } from "../../src/records/pointer-visibility.ts";
import { type Panel, RecordsElsewhereService } from "../../src/records/records-elsewhere.service.ts";
import { SqlPointerCache, SqlSeenPointers } from "../../src/storage/records-elsewhere.repository.ts";
import { dialects, openTestDatabase, type TestDatabase } from "../support/databases.ts";
import { nrlControl, nrlRequestCount } from "./nrl-support.ts";

const CRISIS = "736253002";

function session(userId: string, orgCode: string, activityCodes: string[] = ["B0380"]): Session {
  return {
    id: `s-${userId}`,
    user: { id: userId, name: `User ${userId}` },
    role: { roleId: `r-${userId}`, orgCode, roleCode: "S1:G1:R8000", roleName: "Clinician", activityCodes },
    workstationId: null,
  } as unknown as Session;
}

const patient = {
  id: "patient-0054",
  nhsNumber: { kind: "valid", value: "9991000054" },
  verification: { status: "verified", at: new Date(), pdsVersion: "1", by: {} },
} as unknown as Patient;

function listed(panel: Panel) {
  if (panel.state !== "listed") throw new Error(`expected a list, got ${panel.state}`);
  return panel;
}

describe.each(dialects)("the pointer cache on %s", (dialect) => {
  let t: TestDatabase;
  let nrl: NrlSimulator;
  let now = Date.parse("2026-12-07T10:00:00Z");
  const clock = { now: () => new Date(now) };
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
    nrl = await startNrlSimulator({ port: 0 });
  });
  afterAll(async () => {
    await nrl.close();
    await t.drop();
  });
  beforeEach(async () => {
    await nrlControl(nrl.origin, "POST", "/reset");
    await t.database.db.deleteFrom("nrl_pointer_cache").execute();
    await t.database.db.deleteFrom("nrl_pointer_seen").execute();
  });

  function service(options: { visibility?: VisibilityRule[]; seenBy?: "user" | "organisation" } = {}) {
    return new RecordsElsewhereService({
      locator: new NrlClient({
        baseUrl: nrl.baseUrl,
        tokenSource: noAccessToken,
        searchMethod: "POST",
        timeoutMs: 2000,
        ratePerSecond: 50,
        maxQueueWaitMs: 5000,
        maxAttempts: 1,
        circuit: { failureThreshold: 50, resetAfterMs: 60_000 },
        clock,
      }),
      cache: new SqlPointerCache(t.database.db),
      seen: new SqlSeenPointers(t.database.db),
      events: createEventBus(),
      clock,
      expiry: { defaultSeconds: 300, byType: { "1363501000000100": 60 } },
      visibility: options.visibility ?? [{ types: ["*"] }],
      seenBy: options.seenBy ?? "user",
      searchMethod: "POST",
      hub: new NewDocumentHub(),
    });
  }
  const page = { correlationId: "c", reason: "page" as const };

  it("keeps an answer until it expires (the shortest type's time to live), then asks NRL again", async () => {
    const records = service();
    const first = listed(await records.panel(session("u1", "RX1"), patient, page));
    // 999 100 0054 has a NEWS2 chart, whose answers live 60 s rather than 300.
    expect(first.expiresAt.getTime() - first.checkedAt.getTime()).toBe(60_000);
    now += 59_000;
    await records.panel(session("u1", "RX1"), patient, page);
    expect(await nrlRequestCount(nrl.origin)).toBe(1);
    now += 2000;
    const again = listed(await records.panel(session("u1", "RX1"), patient, page));
    expect(await nrlRequestCount(nrl.origin)).toBe(2);
    expect(again.checkedAt.getTime()).toBe(now);
  });

  it("Refresh asks NRL even while the answer is fresh, and keeps one answer per organisation", async () => {
    const records = service();
    await records.panel(session("u1", "RX1"), patient, page);
    await records.panel(session("u1", "RX1"), patient, { ...page, reason: "refresh" });
    expect(await nrlRequestCount(nrl.origin)).toBe(2);
    const other = listed(await records.panel(session("u2", "XYZ"), patient, page));
    expect(other.noneForOrganisation).toBe(true);
    expect(await t.database.db.selectFrom("nrl_pointer_cache").selectAll().execute()).toHaveLength(2);
  });

  it("lists only the types the role and organisation may see, and counts the others", async () => {
    const records = service({ visibility: [{ types: [CRISIS], activityCodes: ["B0380"] }] });
    const nurse = listed(await records.panel(session("u1", "RX1", ["B0380"]), patient, page));
    expect(nurse.pointers.map((p) => p.type.code)).toEqual([CRISIS]);
    expect(nurse.hidden).toBe(2);
    const other = listed(await records.panel(session("u2", "RX1", ["B0001"]), patient, page));
    expect([other.pointers.length, other.hidden]).toEqual([0, 3]);
  });

  it("showing the page again with nothing new writes nothing until the viewer's rows are an hour old", async () => {
    const records = service({ seenBy: "user" });
    const seenAt = async () =>
      (
        await t.database.db
          .selectFrom("nrl_pointer_seen")
          .select("seen_at")
          .where("scope", "=", "user:u9")
          .execute()
      )
        .map((r) => Number(r.seen_at))
        .sort();
    const start = now;
    await records.panel(session("u9", "RX1"), patient, page);
    const first = await seenAt();
    expect(first.length).toBeGreaterThan(1);
    now = start + 10 * 60_000;
    await records.panel(session("u9", "RX1"), patient, page);
    expect(await seenAt()).toEqual(first);
    now = start + 61 * 60_000;
    await records.panel(session("u9", "RX1"), patient, page);
    expect(new Set(await seenAt())).toEqual(new Set([now]));
    now = start;
  });

  it("a pointer new to the user is news to them only, seen by user", async () => {
    const records = service({ seenBy: "user" });
    await records.panel(session("u1", "RX1"), patient, page);
    await records.panel(session("u2", "RX1"), patient, page);
    await nrlControl(nrl.origin, "POST", "/pointers", {
      nhsNumber: "9991000054",
      type: CRISIS,
      custodian: "RR8",
    });
    const u1 = listed(await records.panel(session("u1", "RX1"), patient, { ...page, reason: "refresh" }));
    expect(u1.news.map((n) => [n.typeDisplay, n.custodian])).toEqual([["Mental health crisis plan", "RR8"]]);
    const u2 = listed(await records.panel(session("u2", "RX1"), patient, page));
    expect(u2.news).toHaveLength(1);
    expect(await records.dismiss(session("u1", "RX1"), patient, "c")).toBe(1);
    expect(listed(await records.panel(session("u1", "RX1"), patient, page)).news).toHaveLength(0);
    expect(listed(await records.panel(session("u2", "RX1"), patient, page)).news).toHaveLength(1);
  });

  it("seen by organisation: dismissing for one user dismisses for their organisation, and a first look is never news", async () => {
    const records = service({ seenBy: "organisation" });
    await records.panel(session("u1", "RX1"), patient, page);
    await nrlControl(nrl.origin, "POST", "/pointers", {
      nhsNumber: "9991000054",
      type: CRISIS,
      custodian: "RR8",
    });
    await records.panel(session("u1", "RX1"), patient, { ...page, reason: "refresh" });
    expect(listed(await records.panel(session("u2", "RX1"), patient, page)).news).toHaveLength(1);
    await records.dismiss(session("u2", "RX1"), patient, "c");
    expect(listed(await records.panel(session("u1", "RX1"), patient, page)).news).toHaveLength(0);
    expect(listed(await records.panel(session("u3", "RR8"), patient, page)).news).toHaveLength(0);
  });
});
