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
}

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
