/** What the patient services need from storage. Adapters in `storage/` implement these. */
import type { Confidentiality, Death, NationalPatient } from "./national-patient.ts";
import type { NhsNumber } from "./nhs-number.ts";
import type { Demographics, Patient, Recorded, VerificationState } from "./patient.types.ts";

export interface NewPatient {
  readonly id: string;
  readonly mrn: string;
  /** As the local system holds it: may be empty or fail the check digit. */
  readonly nhsNumberText: string | null;
  readonly demographics: Demographics;
  readonly createdAt: Date;
}

export type PatientQuery =
  | { readonly kind: "nhs_number"; readonly value: NhsNumber }
  | { readonly kind: "mrn"; readonly value: string }
  | { readonly kind: "birth_date"; readonly value: string }
  | { readonly kind: "name"; readonly terms: readonly string[] };

export interface PatientRepository {
  insert(patient: NewPatient): Promise<void>;
  count(): Promise<number>;
  findById(id: string): Promise<Patient | undefined>;
  findByNhsNumber(nhsNumber: NhsNumber): Promise<Patient | undefined>;
  search(query: PatientQuery, limit: number): Promise<Patient[]>;
  saveVerification(id: string, state: VerificationState, at: Date): Promise<void>;
  /** Records PDS's confidentiality and death; for restricted records removes local location data. */
  applyNationalFacts(
    id: string,
    facts: { confidentiality: Confidentiality; death: Recorded<Death> | null },
    at: Date,
  ): Promise<void>;
  /** Replaces local demographics with PDS's (an explicit user action), keeping provenance. */
  replaceDemographics(id: string, demographics: Demographics, at: Date): Promise<void>;
  /** The patient whose current or earlier (superseded) NHS number this is. */
  findByAnyNhsNumber(nhsNumber: NhsNumber): Promise<Patient | undefined>;
  /** The PDS version and record we last applied for this patient. */
  nationalState(id: string): Promise<{ version: number | null; snapshot: NationalPatient | null }>;
  saveNationalState(id: string, version: number, snapshot: NationalPatient, at: Date): Promise<void>;
  /** Records PDS's GP practice (with PDS provenance); a restricted record keeps none. */
  saveGp(id: string, gp: Recorded<string> | null, at: Date): Promise<void>;
  /**
   * Moves the patient to the surviving NHS number, keeping the old one as superseded. Returns false
   * (changing nothing) when another local patient already holds the surviving number.
   */
  rekey(id: string, from: NhsNumber, to: NhsNumber, state: VerificationState, at: Date): Promise<boolean>;
}

/** A point-of-care system's own identifier for a local patient (an MRN in its `system`). */
export interface SystemIdentifierLink {
  readonly system: string;
  readonly value: string;
  readonly patientId: string;
  /** The API client that first sent it. */
  readonly clientId: string;
  readonly at: Date;
}

export interface SystemIdentifierRepository {
  /** The local patient this identifier names, if any. */
  find(system: string, value: string): Promise<string | undefined>;
  /** Links the identifier unless it already names a patient; returns the patient it names now. */
  link(link: SystemIdentifierLink): Promise<string>;
}

/** What one hand-over made, kept by its Idempotency-Key (a digest) for a replay to answer the same. */
export interface HandoverRecord {
  readonly sessionId: string;
  readonly keyHash: string;
  readonly requestHash: string;
  readonly contextId: string;
  readonly checkId: string | null;
  readonly status: string;
  readonly at: Date;
  readonly expiresAt: Date;
}

export interface HandoverRequestRepository {
  /** The unexpired record of this key in this session, if any. */
  find(sessionId: string, keyHash: string, now: Date): Promise<HandoverRecord | undefined>;
  /** Keeps the record unless the key was used meanwhile; returns the record that stands. */
  save(record: HandoverRecord): Promise<HandoverRecord>;
}

export interface PatientContext {
  readonly id: string;
  readonly sessionId: string;
  readonly tabId: string;
  readonly patientId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly supersededAt: Date | null;
}

export interface PatientContextRepository {
  /** Stores a new context and supersedes every earlier one of the same session and tab, atomically. */
  create(context: PatientContext): Promise<void>;
  find(id: string): Promise<PatientContext | undefined>;
  extend(id: string, expiresAt: Date): Promise<void>;
  /** The current (not superseded) context of a session's tab, if any. */
  currentForTab(sessionId: string, tabId: string): Promise<PatientContext | undefined>;
}

export type CheckOutcome = "found" | "superseded" | "invalidated" | "not_found";
export type CheckDecision = "confirmed" | "confirmed_and_updated" | "mismatch" | "rekeyed";

export interface PdsCheck {
  readonly id: string;
  readonly patientId: string;
  readonly sessionId: string;
  readonly contextId: string;
  readonly requestedNhsNumber: NhsNumber;
  readonly outcome: CheckOutcome;
  /** What PDS said (for found and superseded); never holds location data of restricted records. */
  readonly national: NationalPatient | null;
  readonly checkedAt: Date;
  readonly expiresAt: Date;
  readonly decision: CheckDecision | null;
  readonly decidedAt: Date | null;
}

export interface PdsCheckRepository {
  insert(check: PdsCheck): Promise<void>;
  find(id: string): Promise<PdsCheck | undefined>;
  /** Records the decision once; false when the check was already decided. */
  decide(id: string, decision: CheckDecision, at: Date): Promise<boolean>;
}
