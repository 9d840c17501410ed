/**
 * Signed context launches: the `jti` of every launch accepted, per sending system, until it could
 * no longer pass the expiry check (so a replay is refused by a unique key in one statement); and
 * checked launches waiting for their user to sign in, sealed (the patient inside is never stored
 * in clear) under the digest of their random id, for minutes.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("context_launch_jtis")
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("jti", "text", (c) => c.notNull())
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("context_launch_jtis_pk", ["client_id", "jti"])
    .execute();
  await db.schema
    .createIndex("context_launch_jtis_expiry")
    .on("context_launch_jtis")
    .column("expires_at")
    .execute();
  await db.schema
    .createTable("context_launch_pending")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("sealed", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("context_launch_pending_expiry")
    .on("context_launch_pending")
    .column("expires_at")
    .execute();
}
