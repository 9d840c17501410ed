/**
 * NHS numbers at rest in the operational tables (docs/adr/0014). Each column that held a number
 * in clear is renamed for what it holds from now on (a blind index, or ciphertext), keeping its
 * constraints; a sealed copy is added beside each index. Migrations have no keys, so the values
 * are rewritten by the start-up step that runs once the keys are loaded
 * (src/storage/seal-stored-nhs-numbers.ts); until it has run, the renamed columns still hold the
 * clear values it looks for. Renaming (not adding beside) means an old version cannot keep writing
 * clear numbers into a column nobody empties: it fails instead.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  const rename = (table: string, from: string, to: string) =>
    db.schema.alterTable(table).renameColumn(from, to).execute();
  // The unique constraint stays on the index: one local patient per number (per index key).
  await rename("patients", "nhs_number", "nhs_number_index");
  // Holds the local number sealed, valid or mistyped; the step moves nhs_number_invalid_text into it
  // and empties that column (dropping it must wait for a later release: the step runs after this).
  await db.schema.alterTable("patients").addColumn("nhs_number_sealed", "text").execute();
  await rename("patients", "pds_snapshot_json", "pds_snapshot_sealed");
  await rename("patient_superseded_numbers", "nhs_number", "nhs_number_index");
  await db.schema.alterTable("patient_superseded_numbers").addColumn("nhs_number_sealed", "text").execute();
  await rename("pds_checks", "requested_nhs_number", "requested_nhs_number_sealed");
  await rename("pds_checks", "national_json", "national_sealed");
  await rename("launch_intents", "nhs_number", "nhs_number_sealed");
}
