/**
 * `audit-search`: p99 latency of support searches on a trail of 1,000,000 records, through the
 * search service as the pages use it (validation, time range to sequences, the indexed query,
 * NHS numbers decrypted, each record's chain link checked, and the search itself durably
 * audited). Searches by patient NHS number, user, organisation within a day, a rare outcome,
 * correlation id, and one hour of everything; 100 of each, newest 50 results.
 *
 * The trail is made fast, as a bulk load would be: records sealed onto a valid chain in batches of
 * 20,000, inserted with the secondary indexes dropped and synchronous off, indexes rebuilt after.
 * Baseline: the same searches on a 10,000-record trail, so the ratio shows how search latency
 * grows with a trail 100 times longer: index-driven searches grow little (a search that scanned
 * would grow about 100-fold). Target ratio ≤ 10; the p99 itself is what we report.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import type { RecordDraft } from "../src/audit/audit.ports.ts";
import { OUTCOME_CODES } from "../src/audit/audit-outcomes.ts";
import { detailsText, RECORD_VERSION } from "../src/audit/audit-record.ts";
import { AuditSearch } from "../src/audit/audit-search.service.ts";
import { AuditTrail } from "../src/audit/audit-trail.service.ts";
import { sealBatch } from "../src/audit/chain-sealer.ts";
import { createEventBus } from "../src/domain-events.ts";
import { expectedCheckDigit } from "../src/patients/nhs-number.ts";
import { systemClock } from "../src/platform/clock.ts";
import { SqlAuditRecordStore } from "../src/storage/audit-record.repository.ts";
import { SqlRetentionStore } from "../src/storage/audit-retention.repository.ts";
import { type Database, openDatabase } from "../src/storage/database.ts";
import { migrateToLatest } from "../src/storage/migrate.ts";
import { benchProtection } from "./audit-append.bench.ts";
import { type BenchResult, result } from "./lib/result.ts";

const CHUNK = 20_000;
const START = Date.parse("2025-06-01T00:00:00Z");
const YEAR_MS = 365 * 86_400_000;
const PER_KIND = 100;
const KINDS = ["nhsNumber", "userId", "orgCodeDay", "outcome", "correlationId", "hour"] as const;

/** 50,000 valid NHS numbers. */
const PATIENTS = (() => {
  const numbers: string[] = [];
  for (let n = 900_000_000; numbers.length < 50_000; n++) {
    const check = expectedCheckDigit(String(n));
    if (check !== undefined) numbers.push(`${n}${check}`);
  }
  return numbers;
})();

const COMMON = ["selected", "verified", "launched", "browser.opened", "signed_in"] as const;

function draft(i: number, protection: ReturnType<typeof benchProtection>): RecordDraft {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
  const patient = protection.protect(id, PATIENTS[(i * 7919) % PATIENTS.length] as string);
  const rare = i % 100 === 0;
  return {
    v: RECORD_VERSION,
    id,
    type: "launch.requested",
    outcome: rare
      ? (OUTCOME_CODES[(i / 100) % OUTCOME_CODES.length] as string)
      : (COMMON[i % COMMON.length] as string),
    userId: `5550${String(i % 2000).padStart(8, "0")}`,
    userName: "Amelia Hart",
    roleId: "555000001234",
    roleCode: "S8000:G8000:R8000",
    orgCode: `R${String(i % 200).padStart(3, "0")}`,
    sessionId: null,
    workstationId: `ws-${i % 500}`,
    nhsNumber: patient.ciphertext,
    nhsNumberIndex: patient.index,
    previousNhsNumber: null,
    previousNhsNumberIndex: null,
    source: "patient-page",
    encounterId: null,
    correlationId: `corr-${Math.floor(i / 3)}`,
    durationMs: 20 + (i % 50),
    details: detailsText({ target: "ncrs" }),
  };
}

/** A trail of `count` records on a valid chain, spread evenly over a year, loaded in bulk. */
async function load(database: Database, count: number): Promise<void> {
  const db = database.db;
  const indexes = await sql<{
    name: string;
    sql: string;
  }>`select name, sql from sqlite_master where type = 'index' and tbl_name = 'audit_records' and sql is not null`.execute(
    db,
  );
  await sql`pragma synchronous = off`.execute(db);
  for (const { name } of indexes.rows) await sql.raw(`drop index ${name}`).execute(db);
  const store = new SqlAuditRecordStore(db);
  const protection = benchProtection();
  for (let done = 0; done < count; done += CHUNK) {
    const drafts = Array.from({ length: Math.min(CHUNK, count - done) }, (_, i) =>
      draft(done + i, protection),
    );
    await store.append((head) => sealBatch(head, drafts, START + Math.floor((done / count) * YEAR_MS)));
  }
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
  await sql`pragma synchronous = full`.execute(db);
  // Flush the bulk load to disk now, so no search pays for it.
  await sql`pragma wal_checkpoint(truncate)`.execute(db);
}

/** The searches, by kind: what support staff ask. */
function searches(count: number): Record<string, string | undefined>[] {
  const day = (i: number) => new Date(START + ((i * 37) % 360) * 86_400_000).toISOString().slice(0, 10);
  const out: Record<string, string | undefined>[] = [];
  for (let i = 0; i < PER_KIND; i++) {
    out.push({ nhsNumber: PATIENTS[(i * 7919 * 13) % PATIENTS.length] });
    out.push({ userId: `5550${String((i * 17) % 2000).padStart(8, "0")}` });
    out.push({ orgCode: `R${String((i * 7) % 200).padStart(3, "0")}`, from: day(i), to: day(i) });
    out.push({ outcome: "blocked.role" });
    out.push({ correlationId: `corr-${Math.floor(((i * 104_729) % count) / 3)}` });
    const hour = new Date(START + ((i * 7_919_000_000) % YEAR_MS));
    out.push({
      from: hour.toISOString().slice(0, 16),
      to: new Date(hour.getTime() + 3_600_000).toISOString().slice(0, 16),
    });
  }
  return out;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

interface Measured {
  readonly p50: number;
  readonly p99: number;
  readonly loadSeconds: number;
  readonly p99ByKind: Record<string, number>;
}

async function measure(dir: string, count: number): Promise<Measured> {
  const database = openDatabase(`sqlite:${join(dir, `trail-${count}.db`)}`);
  try {
    await migrateToLatest(database);
    const loadStarted = performance.now();
    await load(database, count);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const records = new SqlAuditRecordStore(database.db);
    const events = createEventBus();
    const trail = new AuditTrail({
      store: records,
      protection: benchProtection(),
      clock: systemClock,
      batch: { maxBatch: 256, lingerMs: 0 },
    });
    events.onAny(async (name, payload) => void (await trail.record(name, payload)));
    const search = new AuditSearch({
      records,
      retention: new SqlRetentionStore(database.db),
      protection: benchProtection(),
      events,
    });
    const reader = {
      userId: "555000000003",
      userName: "Support",
      roleId: null,
      roleCode: null,
      orgCode: "R000",
      sessionId: "s",
      workstationId: null,
      correlationId: "bench",
    };
    for (const raw of searches(count).slice(0, KINDS.length)) await search.search(raw, reader); // warm-up
    const latencies: number[] = [];
    const byKind: number[][] = KINDS.map(() => []);
    for (const [i, raw] of searches(count).entries()) {
      const started = performance.now();
      await search.search(raw, reader);
      const ms = performance.now() - started;
      latencies.push(ms);
      byKind[i % KINDS.length]?.push(ms);
    }
    latencies.sort((a, b) => a - b);
    const p99ByKind = Object.fromEntries(
      KINDS.map((kind, k) => [
        kind,
        percentile(
          (byKind[k] ?? []).sort((a, b) => a - b),
          0.99,
        ),
      ]),
    );
    return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), loadSeconds, p99ByKind };
  } finally {
    await database.close();
  }
}

export async function auditSearch(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "ncrs-bench-search-"));
  try {
    const small = await measure(dir, 10_000);
    const large = await measure(dir, 1_000_000);
    const ms = (n: number) => Math.round(n * 100) / 100;
    return result("audit-search", "p99 ms", large.p99, small.p99, 10, false, {
      records: 1_000_000,
      searches: PER_KIND * 6,
      p50Ms: ms(large.p50),
      p99Ms: ms(large.p99),
      baselineRecords: 10_000,
      baselineP50Ms: ms(small.p50),
      ...Object.fromEntries(Object.entries(large.p99ByKind).map(([kind, v]) => [`p99Ms.${kind}`, ms(v)])),
      loadSeconds: Math.round(large.loadSeconds),
      database: "sqlite",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
