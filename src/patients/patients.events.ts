/** Payloads of the patient domain's events (listed with all others in src/domain-events.ts). */
import type { Actor } from "../identity/identity.events.ts";
import type { NhsNumber } from "./nhs-number.ts";

export interface PatientSelected extends Actor {
  readonly correlationId: string;
  readonly patientId: string;
  readonly contextId: string;
  readonly nhsNumber: NhsNumber | null;
}

export interface PatientVerified extends Actor {
  readonly correlationId: string;
  readonly patientId: string;
  readonly nhsNumber: NhsNumber;
  readonly pdsVersion: string;
  readonly updatedLocalDetails: boolean;
  /**
   * Identifying fields (names, not values) that differed from PDS when the user confirmed this is
   * the same person despite them; empty when all agreed.
   */
  readonly identityDifferences: readonly string[];
  readonly basis: VerificationBasis;
}

/** Who decided a verification: the user, or a hand-over whose details agreed with PDS's throughout. */
export type VerificationBasis = "user_confirmed" | "handover_match";

export type VerificationFailure = "mismatch" | "superseded" | "invalidated" | "not_found" | "pds_unavailable";

export interface PatientVerificationFailed extends Actor {
  readonly correlationId: string;
  readonly patientId: string;
  readonly nhsNumber: NhsNumber | null;
  readonly outcome: VerificationFailure;
  /** For a mismatch, the user's reason; for a failure, the error code. */
  readonly reason: string | null;
}

export interface PatientRekeyed extends Actor {
  readonly correlationId: string;
  readonly patientId: string;
  readonly from: NhsNumber;
  readonly to: NhsNumber;
}

/** A national change (a PDS read prompted by a change event) was applied, or found stale. */
export interface PatientNationalChangeApplied {
  readonly correlationId: string;
  readonly patientId: string;
  readonly nhsNumber: NhsNumber | null;
  readonly outcome: "applied" | "stale" | "rekeyed" | "rekey_conflict" | "invalidated" | "not_found";
  readonly notable: readonly (
    | "nhs_number_superseded"
    | "nhs_number_invalidated"
    | "deceased"
    | "verification_needed"
    | "restricted"
  )[];
  readonly pdsVersion: number | null;
}

/** Where a patient reached us from: our own search, or a point-of-care system's hand-over. */
export type HandoverSource = "api" | "signed_launch" | "embed" | "ui" | "smart";

/** What the checks of a hand-over found; `refused` when it was refused before any patient was chosen. */
export type HandoverStatus =
  | "verified"
  | "needs_confirmation"
  | "superseded"
  | "invalidated"
  | "not_found"
  | "unavailable"
  | "refused";

/** A point-of-care system handed a patient over (or tried to). */
export interface PatientContextReceived extends Actor {
  readonly correlationId: string;
  readonly source: HandoverSource;
  /** The API client that sent it. */
  readonly clientId: string;
  readonly encounter: string | null;
  readonly patientId: string | null;
  readonly contextId: string | null;
  readonly nhsNumber: NhsNumber | null;
  readonly status: HandoverStatus;
  /** For a refusal, the error code from our catalogue. */
  readonly problem: string | null;
  /** Whether the hand-over added the patient to the local index. */
  readonly createdPatient: boolean;
  /** Fields (names, not values) where what was sent differs from the local record, which was kept. */
  readonly localDifferences: readonly string[];
  /** Identifying fields (names) where what was sent differs from PDS. */
  readonly identityDifferences: readonly string[];
}
