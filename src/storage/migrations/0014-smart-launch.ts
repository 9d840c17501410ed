/**
 * SMART EHR launches: what a launch waits with, sealed, under the digest of a random id, for
 * minutes: its `state` (PKCE verifier, nonce, scopes) until the EHR's authorization answer, then
 * the patient read from the EHR until the user is signed in. Neither the EHR's tokens nor the
 * patient in clear are ever stored.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("smart_launch_pending")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("sealed", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("smart_launch_pending_expiry")
    .on("smart_launch_pending")
    .column("expires_at")
    .execute();
}
