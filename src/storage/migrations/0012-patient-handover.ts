/**
 * Patients handed over by point-of-care systems: each system's own identifier for a patient (an
 * MRN and the `system` it belongs to) finds the same local patient again, and each demographic
 * records which system sent it. A hand-over sent again with the same Idempotency-Key gives the same
 * answer: what it made (context, PDS check, status) is kept for a day, never the patient's details.
 * A system's codes and tokens carry their scopes.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("patient_system_identifiers")
    .addColumn("system", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("patient_system_identifiers_pk", ["system", "value"])
    .execute();
  await db.schema
    .createIndex("patient_system_identifiers_patient")
    .on("patient_system_identifiers")
    .column("patient_id")
    .execute();
  await db.schema.alterTable("patient_demographics").addColumn("sent_by", "text").execute();
  // What a system's code and token may do ("launch", "patient-context"); none recorded means launch.
  await db.schema.alterTable("api_grants").addColumn("scope", "text").execute();
  await db.schema.alterTable("api_tokens").addColumn("scope", "text").execute();
  await db.schema
    .createTable("handover_requests")
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("context_id", "text", (c) => c.notNull())
    .addColumn("check_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("handover_requests_pk", ["session_id", "key_hash"])
    .execute();
  await db.schema
    .createIndex("handover_requests_expiry")
    .on("handover_requests")
    .column("expires_at")
    .execute();
}
