/**
 * `audit-append`: durable audited appends per second through the audit trail (NHS number
 * encrypted and indexed, canonical text, chain hash, Merkle leaf and nodes, chain head locked and
 * updated, group commit with the default batch size) from 1,000 concurrent callers, each waiting
 * for its record to be durably stored before its next. Baseline: the very same rows, inserted
 * with multi-row INSERTs in transactions of the same size into the same table of the same kind of
 * database (SQLite, synchronous=FULL, same folder). Three alternating rounds, each into a fresh
 * database file; medians compared. Target ratio ≥ 0.5.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEntry } from "../src/audit/audit-record.ts";
import { AuditTrail } from "../src/audit/audit-trail.service.ts";
import { settings } from "../src/config/settings.ts";
import { systemClock } from "../src/platform/clock.ts";
import { NhsNumberProtection } from "../src/platform/nhs-number-protection.ts";
import { rowOfRecord, SqlAuditRecordStore } from "../src/storage/audit-record.repository.ts";
import { openDatabase } from "../src/storage/database.ts";
import { migrateToLatest } from "../src/storage/migrate.ts";
import { type BenchResult, result } from "./lib/result.ts";

const RECORDS = 30_000;
const CALLERS = 1000;
const BATCH = Number(settings.auditBatchMax.default);
const INSERT_CHUNK = 500;
const ROUNDS = 3;

/** A typical record: a clinician selecting a patient. */
export function sampleEntry(i: number): AuditEntry {
  return {
    type: "patient.selected",
    outcome: "selected",
    userId: `5550000${String(i % 2000).padStart(5, "0")}`,
    userName: "Amelia Hart",
    roleId: "555000001234",
    roleCode: "S8000:G8000:R8000",
    orgCode: `RX${i % 200}`,
    sessionId: "7f1c2b70-1111-4c1e-9d6b-0a1b2c3d4e5f",
    workstationId: "ward-7-desk-2",
    nhsNumber: String(9_000_000_000 + ((i * 7919) % 1_000_000)).padStart(10, "0"),
    previousNhsNumber: null,
    source: "find-a-patient",
    encounterId: null,
    correlationId: `bench-${i}`,
    durationMs: null,
    details: { patientId: `p-${i % 10_000}`, contextId: "ctx" },
  };
}

export function benchProtection(): NhsNumberProtection {
  const key = (id: string, fill: number) => ({ id, key: Buffer.alloc(32, fill) });
  return new NhsNumberProtection([key("k1", 1)], [key("i1", 2)]);
}

/** Runs the trail over `database` with CALLERS concurrent callers; returns the seconds taken. */
async function appendThroughTrail(store: SqlAuditRecordStore): Promise<number> {
  const trail = new AuditTrail({
    store,
    protection: benchProtection(),
    clock: systemClock,
    batch: { maxBatch: BATCH, lingerMs: 0 },
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < RECORDS) await trail.append(sampleEntry(next++));
    }),
  );
  return (performance.now() - started) / 1000;
}

/** The rows the trail writes, made once in a scratch database. */
async function sampleRows(dir: string) {
  const scratch = openDatabase(`sqlite:${join(dir, "scratch.db")}`);
  try {
    await migrateToLatest(scratch);
    const store = new SqlAuditRecordStore(scratch.db);
    await appendThroughTrail(store);
    const rows = [];
    for await (const page of store.pages(1, RECORDS, 5000)) rows.push(...page.map(rowOfRecord));
    return rows;
  } finally {
    await scratch.close();
  }
}

async function rawInsert(path: string, rows: Awaited<ReturnType<typeof sampleRows>>): Promise<number> {
  const database = openDatabase(`sqlite:${path}`);
  try {
    await migrateToLatest(database);
    const raw = database.db.withTables<{ audit_records: (typeof rows)[number] }>();
    const started = performance.now();
    for (let i = 0; i < rows.length; i += BATCH) {
      await raw.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(i + BATCH, rows.length); j += INSERT_CHUNK) {
          await trx
            .insertInto("audit_records")
            .values(rows.slice(j, Math.min(j + INSERT_CHUNK, i + BATCH)))
            .execute();
        }
      });
    }
    return (performance.now() - started) / 1000;
  } finally {
    await database.close();
  }
}

async function throughTrail(path: string): Promise<number> {
  const database = openDatabase(`sqlite:${path}`);
  try {
    await migrateToLatest(database);
    return await appendThroughTrail(new SqlAuditRecordStore(database.db));
  } finally {
    await database.close();
  }
}

const median = (values: number[]) =>
  values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function auditAppend(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "ncrs-bench-audit-"));
  try {
    const rows = await sampleRows(dir);
    // Alternating rounds, each side into a fresh database file of its own in the same folder (so
    // neither inherits the other's grown file or warm cache); medians compared.
    const raw: number[] = [];
    const product: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raw.push(rows.length / (await rawInsert(join(dir, `raw-${round}.db`), rows)));
      product.push(RECORDS / (await throughTrail(join(dir, `trail-${round}.db`))));
    }
    return result("audit-append", "records/s", median(product), median(raw), 0.5, true, {
      records: RECORDS,
      rounds: ROUNDS,
      concurrentCallers: CALLERS,
      batchMax: BATCH,
      database: "sqlite synchronous=FULL",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
