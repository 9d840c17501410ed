/**
 * Table types as Kysely sees them. Times are epoch milliseconds (`*_at`), JSON columns are text,
 * flags are 0/1 integers; see database.ts for why.
 */
import type { EventsSchema } from "./events.schema.ts";

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

/**
 * NHS numbers are sealed and blind-indexed here (migration 0011, docs/adr/0014): see
 * nhs-numbers-at-rest.ts for what each sealed value is bound to.
 */
export interface PatientsTable {
  id: string;
  mrn: string;
  /** Blind index of a valid local NHS number (unique); null when the local number is missing or mistyped. */
  nhs_number_index: string | null;
  /** The local NHS number sealed, valid (with an index) or as mistyped (without). */
  nhs_number_sealed: string | null;
  /** Before migration 0011 a mistyped number in clear; always null once the start-up step has run. */
  nhs_number_invalid_text: string | null;
  confidentiality: string;
  verification_status: string;
  /** A superseded state's surviving number is sealed inside it (`survivingNhsNumberSealed`). */
  verification_json: string;
  search_name: string;
  birth_date: string | null;
  pds_version: number | null;
  /** What PDS last told us, as JSON, sealed whole. */
  pds_snapshot_sealed: string | null;
  created_at: number;
  updated_at: number;
}

export interface PatientSupersededNumbersTable {
  /** Blind index of the earlier number (the primary key). */
  nhs_number_index: string;
  /** Null only for a row the start-up step has not yet sealed. */
  nhs_number_sealed: string | null;
  patient_id: string;
  superseded_at: number;
}

export interface PatientDemographicsTable {
  patient_id: string;
  field: string;
  value_json: string;
  source: string;
  recorded_at: number;
  pds_version: string | null;
  /** The API client that sent a local value in a hand-over; null for other local values and PDS's. */
  sent_by: string | null;
}

/** What a hand-over made, by its Idempotency-Key (digest), so the same request gives the same answer. */
export interface HandoverRequestsTable {
  session_id: string;
  key_hash: string;
  request_hash: string;
  context_id: string;
  check_id: string | null;
  status: string;
  created_at: number;
  expires_at: number;
}

/** A signed context launch's `jti`, per sending system, kept until the launch has expired (migration 0013). */
export interface ContextLaunchJtisTable {
  client_id: string;
  jti: string;
  received_at: number;
  expires_at: number;
}

/** A checked context launch waiting for its user to sign in, sealed (migration 0013). */
export interface ContextLaunchPendingTable {
  id_hash: string;
  sealed: string;
  created_at: number;
  expires_at: number;
}

/** A point-of-care system's own identifier for a local patient (an MRN in its `system`). */
export interface PatientSystemIdentifiersTable {
  system: string;
  value: string;
  patient_id: string;
  client_id: string;
  created_at: number;
}

export interface PatientContextsTable {
  id: string;
  session_id: string;
  tab_id: string;
  patient_id: string;
  created_at: number;
  expires_at: number;
  superseded_at: number | null;
}

export interface PdsChecksTable {
  id: string;
  patient_id: string;
  session_id: string;
  context_id: string;
  requested_nhs_number_sealed: string;
  outcome: string;
  /** PDS's answer, as JSON, sealed whole. */
  national_sealed: string | null;
  checked_at: number;
  expires_at: number;
  decision: string | null;
  decided_at: number | null;
}

export interface AuditRecordsTable {
  seq: number;
  id: string;
  v: number;
  recorded_at: number;
  event_type: string;
  outcome: string;
  user_id: string | null;
  user_name: string | null;
  role_id: string | null;
  role_code: string | null;
  org_code: string | null;
  session_id: string | null;
  workstation_id: string | null;
  nhs_number: string | null;
  nhs_number_index: string | null;
  previous_nhs_number: string | null;
  previous_nhs_number_index: string | null;
  source: string | null;
  encounter_id: string | null;
  correlation_id: string;
  duration_ms: number | null;
  details: string;
  /** Chain hash, standard base64. */
  hash: string;
}

/** One row (id 1): where the chain ends and the Merkle tree's peaks (comma-separated base64). */
export interface AuditChainHeadTable {
  id: number;
  size: number;
  last_hash: string | null;
  last_time: number;
  peaks: string;
  updated_at: number;
}

export interface AuditMerkleNodesTable {
  level: number;
  idx: number;
  hash: string;
}

export interface AuditCheckpointsTable {
  tree_size: number;
  root_hash: string;
  issued_at: string;
  origin: string;
  kid: string;
  signature: string;
}

export interface AuditPrunesTable {
  up_to_seq: number;
  last_hash: string;
  peaks: string;
  archive_name: string;
  archive_sha256: string;
  pruned_at: number;
}

export interface AuditPrunePermitsTable {
  up_to_seq: number;
}

/** An issued NCRS launch id (by digest) and what became of it (migration 0004-launch). */
export interface LaunchIntentsTable {
  ref: string;
  token_hash: string;
  actor_json: string;
  session_id: string;
  context_id: string;
  patient_id: string;
  nhs_number_sealed: string;
  source: string;
  encounter_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  outcome: string | null;
  browser_outcome: string | null;
  /** The registered system that asked, for launches through the API with its bearer token. */
  api_client_id: string | null;
}

export interface ApiGrantsTable {
  code_hash: string;
  client_id: string;
  session_id: string;
  redirect_uri: string;
  code_challenge: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /** Space-separated scopes; null (codes from before scopes) means "launch". */
  scope: string | null;
}

export interface ApiTokensTable {
  token_hash: string;
  client_id: string;
  session_id: string;
  code_hash: string;
  expires_at: number;
  /** Space-separated scopes; null (tokens from before scopes) means "launch". */
  scope: string | null;
}

/** NRL pointer metadata cached per patient and requesting organisation (migration 0016). */
export interface NrlPointerCacheTable {
  patient_id: string;
  ods_code: string;
  outcome: string;
  pointers_json: string;
  refused: number;
  checked_at: number;
  expires_at: number;
}

/** What a viewer (`user:<id>` / `org:<ODS>`) has seen of a patient's pointers (migration 0016). */
export interface NrlPointerSeenTable {
  scope: string;
  patient_id: string;
  pointer_id: string;
  type_code: string | null;
  type_display: string | null;
  custodian: string | null;
  seen_at: number;
  new_at: number | null;
  dismissed_at: number | null;
}

/** Every table; the change-event inbox's tables are declared beside their repositories. */
/** Named leases (migration 0015): work that runs on one instance at a time. */
export interface LeasesTable {
  name: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
}

export interface DatabaseSchema extends EventsSchema {
  login_transactions: LoginTransactionsTable;
  sessions: SessionsTable;
  workstations: WorkstationsTable;
  logout_token_jtis: LogoutTokenJtisTable;
  patients: PatientsTable;
  patient_superseded_numbers: PatientSupersededNumbersTable;
  patient_demographics: PatientDemographicsTable;
  patient_system_identifiers: PatientSystemIdentifiersTable;
  handover_requests: HandoverRequestsTable;
  context_launch_jtis: ContextLaunchJtisTable;
  context_launch_pending: ContextLaunchPendingTable;
  /** Same shape: SMART launches waiting for the EHR's answer, then for sign-in. */
  smart_launch_pending: ContextLaunchPendingTable;
  api_grants: ApiGrantsTable;
  api_tokens: ApiTokensTable;
  patient_contexts: PatientContextsTable;
  pds_checks: PdsChecksTable;
  audit_records: AuditRecordsTable;
  audit_chain_head: AuditChainHeadTable;
  audit_merkle_nodes: AuditMerkleNodesTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_prunes: AuditPrunesTable;
  audit_prune_permits: AuditPrunePermitsTable;
  launch_intents: LaunchIntentsTable;
  leases: LeasesTable;
  nrl_pointer_cache: NrlPointerCacheTable;
  nrl_pointer_seen: NrlPointerSeenTable;
}
