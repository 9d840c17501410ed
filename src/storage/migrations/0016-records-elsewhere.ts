/**
 * Records held elsewhere (NRL): the pointer metadata cache, one row per patient and requesting
 * organisation with its expiry (metadata only, never a document, never an NHS number), and what
 * each viewer (a user, or an organisation) has seen of a patient's pointers, with the "New
 * document available" notifications pending or dismissed. The `*` pointer id of a viewer marks
 * that they have looked at the patient at all (so nothing is "new" on a first look).
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("nrl_pointer_cache")
    .addColumn("patient_id", "text", (c) => c.notNull())
    .addColumn("ods_code", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("pointers_json", "text", (c) => c.notNull())
    .addColumn("refused", "integer", (c) => c.notNull())
    .addColumn("checked_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("nrl_pointer_cache_pk", ["patient_id", "ods_code"])
    .execute();
  await db.schema
    .createIndex("nrl_pointer_cache_expiry")
    .on("nrl_pointer_cache")
    .column("expires_at")
    .execute();
  await db.schema
    .createTable("nrl_pointer_seen")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("patient_id", "text", (c) => c.notNull())
    .addColumn("pointer_id", "text", (c) => c.notNull())
    .addColumn("type_code", "text")
    .addColumn("type_display", "text")
    .addColumn("custodian", "text")
    .addColumn("seen_at", "bigint", (c) => c.notNull())
    .addColumn("new_at", "bigint")
    .addColumn("dismissed_at", "bigint")
    .addPrimaryKeyConstraint("nrl_pointer_seen_pk", ["scope", "patient_id", "pointer_id"])
    .execute();
  await db.schema.createIndex("nrl_pointer_seen_age").on("nrl_pointer_seen").column("seen_at").execute();
}
