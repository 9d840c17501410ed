/** What PDS last told us about each patient, so change events apply only newer versions. */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("patients").addColumn("pds_version", "bigint").execute();
  await db.schema.alterTable("patients").addColumn("pds_snapshot_json", "text").execute();
}
