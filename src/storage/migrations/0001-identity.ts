/** Sign-in transactions, sessions, registered workstations and seen logout-token ids. */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("login_transactions")
    .addColumn("state", "text", (c) => c.primaryKey())
    .addColumn("nonce", "text", (c) => c.notNull())
    .addColumn("code_verifier", "text", (c) => c.notNull())
    .addColumn("browser_hash", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("return_to", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("login_transactions_expires")
    .on("login_transactions")
    .column("expires_at")
    .execute();

  await db.schema
    .createTable("workstations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("profile", "text", (c) => c.notNull())
    .addColumn("device_token_hash", "text", (c) => c.notNull().unique())
    .addColumn("registered_by", "text", (c) => c.notNull())
    .addColumn("registered_org", "text")
    .addColumn("registered_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("user_name", "text", (c) => c.notNull())
    .addColumn("user_json", "text", (c) => c.notNull())
    .addColumn("role_id", "text")
    .addColumn("role_code", "text")
    .addColumn("role_name", "text")
    .addColumn("org_code", "text")
    .addColumn("org_name", "text")
    .addColumn("activity_codes", "text", (c) => c.notNull())
    .addColumn("cis2_sid", "text", (c) => c.notNull())
    .addColumn("acr", "text", (c) => c.notNull())
    .addColumn("amr", "text", (c) => c.notNull())
    .addColumn("authenticator", "text", (c) => c.notNull())
    .addColumn("aal", "integer", (c) => c.notNull())
    .addColumn("auth_time", "bigint", (c) => c.notNull())
    .addColumn("id_token", "text")
    .addColumn("workstation_id", "text", (c) => c.references("workstations.id"))
    .addColumn("device_profile", "text", (c) => c.notNull())
    .addColumn("idle_seconds", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("absolute_expires_at", "bigint", (c) => c.notNull())
    .addColumn("ended_at", "bigint")
    .addColumn("end_reason", "text")
    .execute();
  await db.schema.createIndex("sessions_cis2_sid").on("sessions").column("cis2_sid").execute();
  await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("logout_token_jtis")
    .addColumn("jti", "text", (c) => c.primaryKey())
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
}
