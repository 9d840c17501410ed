/** The local patient index, demographics with provenance, patient contexts and PDS checks. */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("patients")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("mrn", "text", (c) => c.notNull().unique())
    .addColumn("nhs_number", "text", (c) => c.unique())
    .addColumn("nhs_number_invalid_text", "text")
    .addColumn("confidentiality", "text", (c) => c.notNull())
    .addColumn("verification_status", "text", (c) => c.notNull())
    .addColumn("verification_json", "text", (c) => c.notNull())
    .addColumn("search_name", "text", (c) => c.notNull())
    .addColumn("birth_date", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("patients_birth_date").on("patients").column("birth_date").execute();

  await db.schema
    .createTable("patient_superseded_numbers")
    .addColumn("nhs_number", "text", (c) => c.primaryKey())
    .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
    .addColumn("superseded_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("patient_demographics")
    .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("value_json", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("recorded_at", "bigint", (c) => c.notNull())
    .addColumn("pds_version", "text")
    .addPrimaryKeyConstraint("patient_demographics_pk", ["patient_id", "field"])
    .execute();

  await db.schema
    .createTable("patient_contexts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("tab_id", "text", (c) => c.notNull())
    .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("superseded_at", "bigint")
    .execute();
  await db.schema
    .createIndex("patient_contexts_tab")
    .on("patient_contexts")
    .columns(["session_id", "tab_id"])
    .execute();

  await db.schema
    .createTable("pds_checks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("context_id", "text", (c) => c.notNull())
    .addColumn("requested_nhs_number", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("national_json", "text")
    .addColumn("checked_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("decision", "text")
    .addColumn("decided_at", "bigint")
    .execute();
}
