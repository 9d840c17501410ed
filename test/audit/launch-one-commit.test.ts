/**
 * One commit per launch, on both dialects: a launch id is spent, its outcome set and its audit
 * record sealed in one transaction, shared with the other records of the same batch. Two requests
 * racing for one id give exactly one record; a write that fails leaves neither the record nor the
 * change behind.
 */
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AtomicWrite } from "../../src/platform/atomic-write.ts";
import { SqlLaunchIntentRepository } from "../../src/storage/launch.repository.ts";
import { launchIntent } from "../../src/storage/nhs-numbers-at-rest.test-support.ts";
import { dialects } from "../support/databases.ts";
import { type AuditFixture, entry, openAuditFixture } from "./audit-fixture.ts";

describe.each(dialects)("one commit per launch (%s)", (dialect) => {
  let audit: AuditFixture;
  let intents: SqlLaunchIntentRepository;

  beforeEach(async () => {
    audit = await openAuditFixture(dialect);
    intents = new SqlLaunchIntentRepository(audit.database.db, audit.protection);
  });
  afterEach(async () => {
    await audit.close();
  });

  const launched = (ref: string) =>
    entry({ type: "launch.redirected", outcome: "launched", details: { launchRef: ref } });

  async function recordCount(): Promise<number> {
    const rows = await sql<{ n: number }>`select count(*) as n from audit_records`.execute(audit.database.db);
    return Number(rows.rows[0]?.n);
  }

  it("spends the id, sets the outcome and seals the record together, in a batch shared with other records", async () => {
    const intent = launchIntent("p-1", "9991000054");
    await intents.insert(intent);
    const [other, record] = await Promise.all([
      audit.trail.append(entry({ correlationId: "someone-else" })),
      audit.trail.appendWith(launched(intent.ref), intents.launchedWrite(intent.tokenHash, new Date())),
    ]);
    expect(record).not.toBeNull();
    expect(other.seq).not.toBe(record?.seq);
    const stored = await intents.findByTokenHash(intent.tokenHash);
    expect(stored?.outcome).toBe("launched");
    expect(stored?.usedAt).not.toBeNull();
    expect(await audit.verify()).toMatchObject({ ok: true, records: 2 });
  });

  it("two requests racing for one launch id: exactly one is recorded, the other is told it lost", async () => {
    const intent = launchIntent("p-1", "9991000054");
    await intents.insert(intent);
    const results = await Promise.all([
      audit.trail.appendWith(launched(intent.ref), intents.launchedWrite(intent.tokenHash, new Date())),
      audit.trail.appendWith(launched(intent.ref), intents.launchedWrite(intent.tokenHash, new Date())),
      audit.trail.appendWith(launched(intent.ref), intents.launchedWrite(intent.tokenHash, new Date())),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    // A later request, in a batch of its own, loses too.
    expect(
      await audit.trail.appendWith(launched(intent.ref), intents.launchedWrite(intent.tokenHash, new Date())),
    ).toBeNull();
    expect(await recordCount()).toBe(1);
    expect(await audit.verify()).toMatchObject({ ok: true, records: 1 });
  });

  it("a write that fails leaves nothing behind: no record, no change, and the next launch goes ahead", async () => {
    const intent = launchIntent("p-1", "9991000054");
    await intents.insert(intent);
    const spendThenFail: AtomicWrite = {
      apply: async (transaction) => {
        await intents.launchedWrite(intent.tokenHash, new Date()).apply(transaction);
        throw new Error("disk full");
      },
    };
    await expect(audit.trail.appendWith(launched(intent.ref), spendThenFail)).rejects.toThrow("disk full");
    const unchanged = await intents.findByTokenHash(intent.tokenHash);
    expect([unchanged?.usedAt, unchanged?.outcome]).toEqual([null, null]);
    expect(await recordCount()).toBe(0);
    expect(
      await audit.trail.appendWith(launched(intent.ref), intents.launchedWrite(intent.tokenHash, new Date())),
    ).not.toBeNull();
    expect(await audit.verify()).toMatchObject({ ok: true, records: 1 });
  });

  it("a refusal's outcome commits with its record, and never overwrites an outcome already decided", async () => {
    const intent = launchIntent("p-1", "9991000054");
    await intents.insert(intent);
    const refusal = entry({ type: "launch.blocked", outcome: "blocked.unverified" });
    expect(
      await audit.trail.appendWith(refusal, intents.refusedWrite(intent.tokenHash, "blocked.unverified")),
    ).not.toBeNull();
    expect(
      await audit.trail.appendWith(refusal, intents.refusedWrite(intent.tokenHash, "blocked.stale_context")),
    ).not.toBeNull();
    expect((await intents.findByTokenHash(intent.tokenHash))?.outcome).toBe("blocked.unverified");
    expect(await recordCount()).toBe(2);
  });
});
