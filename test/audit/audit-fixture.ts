/**
 * A real audit trail over a fresh database of either dialect, without the web app: the SQL
 * stores, the trail with group commit, checkpoints signed with a generated key, retention into a
 * temporary folder, and the verifier. Plus what an attacker with database access could do.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { AuditCheckpoints } from "../../src/audit/audit-checkpoints.service.ts";
import type { AuditEntry } from "../../src/audit/audit-record.ts";
import { AuditRetention } from "../../src/audit/audit-retention.service.ts";
import { AuditTrail } from "../../src/audit/audit-trail.service.ts";
import { generateCheckpointKey } from "../../src/audit/checkpoint-signature.ts";
import { verifyTrail } from "../../src/audit/trail-verifier.ts";
import type { Clock } from "../../src/platform/clock.ts";
import { NhsNumberProtection } from "../../src/platform/nhs-number-protection.ts";
import { FileAuditArchive } from "../../src/storage/audit-archive.ts";
import { SqlCheckpointStore } from "../../src/storage/audit-checkpoint.repository.ts";
import { SqlAuditRecordStore } from "../../src/storage/audit-record.repository.ts";
import { SqlRetentionStore } from "../../src/storage/audit-retention.repository.ts";
import type { Database, Dialect } from "../../src/storage/database.ts";
import { openTestDatabase, type TestDatabase } from "../support/databases.ts";

/** A clock tests move by hand. */
export function manualClock(
  start = Date.parse("2026-05-01T09:00:00Z"),
): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

export const testProtection = () =>
  new NhsNumberProtection([{ id: "k1", key: randomBytes(32) }], [{ id: "i1", key: randomBytes(32) }]);

/** An entry as the mapping would make it. */
export function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    type: "patient.selected",
    outcome: "selected",
    userId: "555000000001",
    userName: "Dr Jane Smith",
    roleId: "555000001234",
    roleCode: "S8000:G8000:R8000",
    orgCode: "RX1",
    sessionId: "7f1c2b70-1111-4c1e-9d6b-0a1b2c3d4e5f",
    workstationId: null,
    nhsNumber: "9991000054",
    previousNhsNumber: null,
    source: "find-a-patient",
    encounterId: null,
    correlationId: "corr-1",
    durationMs: null,
    details: { patientId: "p1" },
    ...overrides,
  };
}

export async function openAuditFixture(
  dialect: Dialect,
  options: { database?: Database; batchMax?: number } = {},
) {
  const test: TestDatabase | undefined = options.database ? undefined : await openTestDatabase(dialect);
  const database = options.database ?? (test as TestDatabase).database;
  const clock = manualClock();
  const protection = testProtection();
  const key = await generateCheckpointKey();
  const publicKeys = { keys: [key.publicJwk] };
  const records = new SqlAuditRecordStore(database.db);
  const checkpointStore = new SqlCheckpointStore(database.db);
  const retentionStore = new SqlRetentionStore(database.db);
  const archiveDir = mkdtempSync(join(tmpdir(), "ncrs-audit-archive-"));
  const trail = new AuditTrail({
    store: records,
    protection,
    clock,
    batch: { maxBatch: options.batchMax ?? 100, lingerMs: 0 },
  });
  const checkpoints = new AuditCheckpoints({
    records,
    checkpoints: checkpointStore,
    signingKey: async () => key,
    publicKeys: () => publicKeys,
    origin: "test.ncrs-connect/audit",
    clock,
    firstRetainedSeq: async () => ((await retentionStore.lastCut())?.upToSeq ?? 0) + 1,
  });
  const retention = (retentionDays: number) =>
    new AuditRetention({
      records,
      retention: retentionStore,
      checkpoints: checkpointStore,
      archive: new FileAuditArchive(archiveDir),
      signingKey: async () => key,
      origin: "test.ncrs-connect/audit",
      clock,
      retentionDays,
    });
  return {
    database,
    /** The database URL, for a second connection pool (a second instance). */
    url: test?.url,
    dialect,
    clock,
    protection,
    publicKeys,
    records,
    checkpointStore,
    retentionStore,
    archiveDir,
    trail,
    checkpoints,
    retention,
    verify: () =>
      verifyTrail({
        records,
        checkpoints: checkpointStore,
        retention: retentionStore,
        publicKeys,
        pageSize: 7,
      }),
    /** Runs SQL as someone with direct database access would, with the audit triggers out of the way. */
    async asAttacker(statement: string): Promise<void> {
      await withoutTriggers(database, statement);
    },
    async close() {
      await trail.drain();
      rmSync(archiveDir, { recursive: true, force: true });
      await test?.drop();
    },
  };
}

/** Drops the append-only triggers, runs `statement`, and puts nothing back (as an attacker would). */
async function withoutTriggers(database: Database, statement: string): Promise<void> {
  if (database.dialect === "sqlite") {
    await sql.raw("DROP TRIGGER IF EXISTS audit_records_no_update").execute(database.db);
    await sql.raw("DROP TRIGGER IF EXISTS audit_records_no_delete").execute(database.db);
  } else {
    await sql.raw("ALTER TABLE audit_records DISABLE TRIGGER USER").execute(database.db);
  }
  await sql.raw(statement).execute(database.db);
}

export type AuditFixture = Awaited<ReturnType<typeof openAuditFixture>>;
