/**
 * Indexes for housekeeping and for lookups that scanned whole tables: sessions by absolute expiry
 * (deleting old sessions, counting active ones), PDS checks by session (deleted with it), logout-token
 * ids by expiry, and superseded NHS numbers by patient (read with every patient).
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  const index = (name: string, table: string, column: string) =>
    db.schema.createIndex(name).on(table).column(column).execute();
  await index("sessions_absolute_expires", "sessions", "absolute_expires_at");
  await index("pds_checks_session", "pds_checks", "session_id");
  await index("logout_token_jtis_expires", "logout_token_jtis", "expires_at");
  await index("patient_superseded_numbers_patient", "patient_superseded_numbers", "patient_id");
}
