/**
 * The data half of migration 0011 (docs/adr/0014): seals the NHS numbers that rows written before
 * it still hold in clear. Kysely migrations have no keys, so this runs at start-up once the keys
 * are loaded, and before the service reads or serves anything.
 *
 * - In batches (500 rows to a transaction): each batch commits on its own, so a crash loses at
 *   most the batch in flight, and a restart carries on with the rows still in clear. Each row
 *   changes in one UPDATE, so it is either all clear or all sealed, never half.
 * - Idempotent: only clear values are selected (a sealed value or an index always has a `.`, a
 *   clear number never; clear JSON starts with `{`, ciphertext never), and each UPDATE is guarded by
 *   the clear values it replaces, so two instances starting together do not undo each other.
 * - Counts only: nothing here logs or throws a number; a failing row is named by its row id.
 * - On SQLite the file is rebuilt afterwards, so the old values do not linger in free space or
 *   the write-ahead log. (PostgreSQL keeps dead row versions until vacuumed: see the ADR.)
 */
import { type Kysely, sql } from "kysely";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import type { Database } from "./database.ts";
import { NhsNumbersAtRest } from "./nhs-numbers-at-rest.ts";
import type { DatabaseSchema } from "./schema.ts";
import { type SealedTable, sealingPasses, type TablePass } from "./sealing-passes.ts";

export type { SealedTable } from "./sealing-passes.ts";

export const SEALING_BATCH = 500;

export type SealedCounts = Record<SealedTable, number>;

export interface SealingOptions {
  readonly batchSize?: number;
  /** After each committed batch: the table and how many rows it sealed. */
  readonly onBatch?: (table: SealedTable, rows: number) => void;
}

/** Seals every NHS number still stored in clear; returns how many rows of each table it changed. */
export async function sealStoredNhsNumbers(
  database: Database,
  protection: NhsNumberProtection,
  options: SealingOptions = {},
): Promise<SealedCounts> {
  const passes = sealingPasses(new NhsNumbersAtRest(protection));
  const counts: SealedCounts = {
    patients: 0,
    patient_superseded_numbers: 0,
    pds_checks: 0,
    launch_intents: 0,
  };
  await withSqliteHygiene(database, async () => {
    for (const pass of passes) counts[pass.table] = await runPass(database.db, pass, options);
    return Object.values(counts).some((n) => n > 0);
  });
  return counts;
}

async function runPass<Row>(
  db: Kysely<DatabaseSchema>,
  pass: TablePass<Row>,
  options: SealingOptions,
): Promise<number> {
  const limit = options.batchSize ?? SEALING_BATCH;
  let after = "";
  let total = 0;
  for (;;) {
    const rows = await db.transaction().execute(async (trx) => {
      const batch = await pass.select(trx, after, limit);
      for (const row of batch) {
        try {
          await pass.seal(trx, row);
        } catch (error) {
          throw new Error(`sealing the NHS numbers of ${pass.table} ${pass.describe(row)} failed`, {
            cause: error,
          });
        }
      }
      return batch;
    });
    total += rows.length;
    if (rows.length > 0) options.onBatch?.(pass.table, rows.length);
    const last = rows.at(-1);
    // Keyed from the last row, so a row that stays as it was (changed meanwhile) is not met again.
    if (rows.length < limit || last === undefined) return total;
    after = pass.keyOf(last);
  }
}

/**
 * SQLite keeps overwritten values in the file until the space is reused (in free space inside
 * pages, which rebuilding a page does not clear, and in the write-ahead log). So once the step has
 * sealed anything the file is rebuilt (VACUUM, once: later starts find nothing to seal) and the
 * log is checkpointed and cut.
 */
async function withSqliteHygiene(database: Database, run: () => Promise<boolean>): Promise<void> {
  const changed = await run();
  if (database.dialect !== "sqlite" || !changed) return;
  await sql`VACUUM`.execute(database.db);
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(database.db);
}
