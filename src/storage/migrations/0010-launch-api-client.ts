/** Launches record which registered system asked for them (launches through the API with a bearer token). */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("launch_intents").addColumn("api_client_id", "text").execute();
}
