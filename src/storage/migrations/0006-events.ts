/** The national change event inbox: raw events, de-duplicated by source and id, and their processing. */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("event_inbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("subject_index", "text", (c) => c.notNull())
    .addColumn("pds_version", "bigint")
    .addColumn("occurred_at", "bigint")
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addColumn("correlation_id", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("payload_sealed", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("claimed_by", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("outcome", "text")
    .addColumn("notable_json", "text")
    .addColumn("patient_id", "text")
    .addColumn("processed_at", "bigint")
    .addColumn("generation", "integer", (c) => c.notNull())
    .addColumn("report_due_at", "bigint")
    .addColumn("intake_instance", "text", (c) => c.notNull())
    // The de-duplication key: a second delivery of the same event fails this, in the same statement.
    .addUniqueConstraint("event_inbox_source_external_id", ["source", "external_id"])
    .execute();
  await db.schema
    .createIndex("event_inbox_due")
    .on("event_inbox")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("event_inbox_subject")
    .on("event_inbox")
    .columns(["subject_index", "status"])
    .execute();
  await db.schema
    .createIndex("event_inbox_received")
    .on("event_inbox")
    .columns(["received_at", "id"])
    .execute();
  await db.schema.createIndex("event_inbox_processed").on("event_inbox").column("processed_at").execute();
  await db.schema.createIndex("event_inbox_report_due").on("event_inbox").column("report_due_at").execute();
  await db.schema
    .createIndex("event_inbox_intake")
    .on("event_inbox")
    .columns(["intake_instance", "received_at"])
    .execute();
  await db.schema
    .createTable("event_intake_marks")
    .addColumn("instance", "text", (c) => c.primaryKey())
    .addColumn("reported_through", "bigint", (c) => c.notNull())
    .addColumn("beat_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("event_patient_holds")
    .addColumn("patient_id", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("lease_until", "bigint", (c) => c.notNull())
    .execute();
}
