/**
 * The audit store on both dialects: records chain and verify; the database refuses UPDATE and
 * DELETE; altering, deleting, reordering or cutting records behind the app's back is found and the
 * first broken record named; concurrent writers lose nothing and keep one chain.
 */
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuditTrail } from "../../src/audit/audit-trail.service.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { SqlAuditRecordStore } from "../../src/storage/audit-record.repository.ts";
import { openDatabase } from "../../src/storage/database.ts";
import { dialects } from "../support/databases.ts";
import { type AuditFixture, entry, openAuditFixture } from "./audit-fixture.ts";

describe.each(dialects)("audit store (%s)", (dialect) => {
  let audit: AuditFixture;
  beforeEach(async () => {
    audit = await openAuditFixture(dialect);
  });
  afterEach(async () => {
    await audit.close();
  });

  async function appendMany(n: number) {
    return Promise.all(
      Array.from({ length: n }, (_, i) => audit.trail.append(entry({ correlationId: `corr-${i}` }))),
    );
  }

  it("appends records in one chain that verifies, with a signed checkpoint over them", async () => {
    const appended = await appendMany(40);
    expect(appended.map((a) => a.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(await audit.checkpoints.checkpoint()).toMatchObject({ treeSize: 40 });
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: true, firstSeq: 1, lastSeq: 40, records: 40, checkpoints: 1 });
  });

  it("records a fact reported more than once (same dedupe key) once, in the batch or later", async () => {
    const fact = entry({ correlationId: "fact", dedupeKey: "inbox-1/0" });
    const together = await Promise.all([
      audit.trail.append(fact),
      audit.trail.append(entry({ correlationId: "other" })),
      audit.trail.append(fact),
    ]);
    const again = await audit.trail.append(fact);
    expect(together[0]).toEqual(together[2]);
    expect(again).toEqual(together[0]);
    const later = await audit.trail.append(entry({ correlationId: "fact", dedupeKey: "inbox-1/1" }));
    expect(later.id).not.toBe(again.id);
    const rows = await sql<{
      n: number;
    }>`select count(*) as n from audit_records where correlation_id = 'fact'`.execute(audit.database.db);
    expect(Number(rows.rows[0]?.n)).toBe(2);
    expect(await audit.verify()).toMatchObject({ ok: true, records: 3 });
  });

  it("stores NHS numbers encrypted and indexed, never in clear", async () => {
    await audit.trail.append(entry({ nhsNumber: "9991000054" }));
    const rows = await sql<Record<string, unknown>>`select * from audit_records`.execute(audit.database.db);
    expect(JSON.stringify(rows.rows)).not.toContain("9991000054");
    const [record] = await audit.records.search({
      nhsNumberIndexes: audit.protection.indexesOf("9991000054"),
      limit: 5,
    });
    expect(record && audit.protection.reveal(record.id, record.nhsNumber as string)).toBe("9991000054");
  });

  it("refuses UPDATE and DELETE on records, checkpoints and nodes", async () => {
    await appendMany(3);
    await audit.checkpoints.checkpoint();
    const db = audit.database.db;
    await expect(
      sql`update audit_records set outcome = 'launched' where seq = 2`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_records where seq = 3`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_checkpoints set root_hash = 'x'`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_checkpoints`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_chain_head`.execute(db)).rejects.toThrow();
    if (dialect === "postgres")
      await expect(sql`truncate audit_records`.execute(db)).rejects.toThrow(/append-only/);
    expect((await audit.verify()).ok).toBe(true);
  });

  it("finds a record altered behind the app's back and names it", async () => {
    await appendMany(20);
    await audit.checkpoints.checkpoint();
    await audit.asAttacker("update audit_records set outcome = 'launched' where seq = 7");
    expect(await audit.verify()).toMatchObject({
      ok: false,
      problem: "hash_mismatch",
      firstBrokenSequence: 7,
    });
  });

  it("finds an altered NHS-number index (a record hidden from patient searches)", async () => {
    await appendMany(5);
    await audit.asAttacker(
      "update audit_records set nhs_number_index = 'i1.AAAAAAAAAAAAAAAAAAAAAA' where seq = 4",
    );
    expect(await audit.verify()).toMatchObject({
      ok: false,
      problem: "hash_mismatch",
      firstBrokenSequence: 4,
    });
  });

  it("finds a deleted record", async () => {
    await appendMany(20);
    await audit.asAttacker("delete from audit_records where seq = 12");
    expect(await audit.verify()).toMatchObject({
      ok: false,
      problem: "sequence_gap",
      firstBrokenSequence: 12,
    });
  });

  it("finds records swapped in order", async () => {
    await appendMany(10);
    // Swap the sequence numbers of records 5 and 6 (through a free number).
    await audit.asAttacker("update audit_records set seq = 1000 where seq = 5");
    await audit.asAttacker("update audit_records set seq = 5 where seq = 6");
    await audit.asAttacker("update audit_records set seq = 6 where seq = 1000");
    expect(await audit.verify()).toMatchObject({
      ok: false,
      problem: "hash_mismatch",
      firstBrokenSequence: 5,
    });
  });

  it("finds a cut-off tail even when the chain head is rewritten to match", async () => {
    await appendMany(20);
    await audit.checkpoints.checkpoint();
    const head18 = await audit.records.hashes(18, 18);
    await audit.asAttacker("delete from audit_records where seq > 18");
    const last = Buffer.from(head18[0]?.hash as Uint8Array).toString("base64");
    await audit.asAttacker(`update audit_chain_head set size = 18, last_hash = '${last}'`);
    expect(await audit.verify()).toMatchObject({
      ok: false,
      problem: "checkpoint_beyond_trail",
      firstBrokenSequence: 19,
    });
  });

  it("finds a history rewritten with recomputed hashes, through the signed checkpoint", async () => {
    await appendMany(8);
    await audit.checkpoints.checkpoint();
    // Rebuild the whole chain with record 3 changed: every hash is right, only the root differs.
    const pages = [];
    for await (const page of audit.records.pages(1, 8, 100)) pages.push(...page);
    const { sealBatch, EMPTY_HEAD } = await import("../../src/audit/chain-sealer.ts");
    const forged = sealBatch(
      EMPTY_HEAD,
      pages.map(({ seq: _s, hash: _h, time: _t, ...rest }, i) =>
        i === 2 ? { ...rest, outcome: "launched" } : rest,
      ),
      pages[0]?.time as number,
    );
    for (const r of forged.records) {
      await audit.asAttacker(
        `update audit_records set outcome = '${r.outcome}', hash = '${Buffer.from(r.hash).toString("base64")}', recorded_at = ${r.time} where seq = ${r.seq}`,
      );
    }
    expect(await audit.verify()).toMatchObject({
      ok: false,
      problem: "checkpoint_root_mismatch",
      firstBrokenSequence: 8,
    });
  });

  it("finds a forged checkpoint signature", async () => {
    await appendMany(3);
    await audit.checkpoints.checkpoint();
    await sql`drop trigger if exists audit_checkpoints_no_update ${sql.raw(dialect === "postgres" ? "on audit_checkpoints" : "")}`.execute(
      audit.database.db,
    );
    await sql`update audit_checkpoints set tree_size = 2`.execute(audit.database.db);
    expect(await audit.verify()).toMatchObject({ ok: false, problem: "checkpoint_signature" });
  });

  it("keeps one chain with many concurrent writers and loses no record", async () => {
    const n = 600;
    const appended = await Promise.all(
      Array.from({ length: n }, (_, i) => audit.trail.append(entry({ correlationId: `c-${i}` }))),
    );
    expect(new Set(appended.map((a) => a.seq)).size).toBe(n);
    const stored = await audit.records.search({ limit: 1000 });
    expect(new Set(stored.map((r) => r.correlationId))).toEqual(new Set(appended.map((_, i) => `c-${i}`)));
    await audit.checkpoints.checkpoint();
    expect(await audit.verify()).toMatchObject({ ok: true, records: n });
  });
});

describe("several instances on PostgreSQL", () => {
  it("keep one chain when two connection pools append at once", async () => {
    const audit = await openAuditFixture("postgres");
    const other = openDatabase(audit.url as string, { poolMax: 4 });
    try {
      const second = new AuditTrail({
        store: new SqlAuditRecordStore(other.db),
        protection: audit.protection,
        clock: systemClock,
        batch: { maxBatch: 16, lingerMs: 0 },
      });
      const n = 300;
      const appended = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          (i % 2 === 0 ? audit.trail : second).append(entry({ correlationId: `two-${i}` })),
        ),
      );
      expect(new Set(appended.map((a) => a.seq)).size).toBe(n);
      await audit.checkpoints.checkpoint();
      expect(await audit.verify()).toMatchObject({ ok: true, records: n });
    } finally {
      await other.close();
      await audit.close();
    }
  });
});
