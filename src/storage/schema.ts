/**
 * Table types as Kysely sees them. Times are epoch milliseconds (`*_at`), JSON columns are text,
 * flags are 0/1 integers; see database.ts for why.
 */
import type { Generated } from "kysely";

export interface LoginTransactionsTable {
  state: string;
  nonce: string;
  code_verifier: string;
  browser_hash: string;
  purpose: string;
  return_to: string | null;
  created_at: number;
  expires_at: number;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  user_name: string;
  user_json: string;
  role_id: string | null;
  role_code: string | null;
  role_name: string | null;
  org_code: string | null;
  org_name: string | null;
  activity_codes: string;
  cis2_sid: string;
  acr: string;
  amr: string;
  authenticator: string;
  aal: number;
  auth_time: number;
  id_token: string | null;
  workstation_id: string | null;
  device_profile: string;
  idle_seconds: number;
  created_at: number;
  last_seen_at: number;
  absolute_expires_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

export interface WorkstationsTable {
  id: string;
  name: string;
  profile: string;
  device_token_hash: string;
  registered_by: string;
  registered_org: string | null;
  registered_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}

export interface LogoutTokenJtisTable {
  jti: string;
  received_at: number;
  expires_at: number;
}

export interface SchemaMigrationsMarker {
  id: Generated<number>;
}

export interface DatabaseSchema {
  login_transactions: LoginTransactionsTable;
  sessions: SessionsTable;
  workstations: WorkstationsTable;
  logout_token_jtis: LogoutTokenJtisTable;
}
