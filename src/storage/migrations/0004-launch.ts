/** Issued NCRS launches: the single-use launch ids (by digest) and what became of each. */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("launch_intents")
    .addColumn("ref", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("actor_json", "text", (c) => c.notNull())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("context_id", "text", (c) => c.notNull())
    .addColumn("patient_id", "text", (c) => c.notNull())
    .addColumn("nhs_number", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("encounter_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .addColumn("outcome", "text")
    .addColumn("browser_outcome", "text")
    .execute();
  await db.schema
    .createIndex("launch_intents_recent")
    .on("launch_intents")
    .columns(["session_id", "patient_id", "used_at"])
    .execute();
}
