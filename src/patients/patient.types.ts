/**
 * The local patient: identifiers (NHS number, local MRN) kept apart from demographics, and each
 * demographic carrying where it came from. Verification state says whether the NHS number has been
 * confirmed against PDS, by whom, when and against which PDS version.
 */
import type { Confidentiality, Death, Gender, PersonName, PostalAddress } from "./national-patient.ts";
import type { NhsNumber } from "./nhs-number.ts";

export type Source = "local" | "pds";

export interface Provenance {
  readonly source: Source;
  readonly recordedAt: Date;
  /** The PDS `versionId` the value came from, when it came from PDS. */
  readonly pdsVersion: string | null;
  /** The point-of-care system (API client id) that sent a local value in a hand-over. */
  readonly sentBy?: string;
}

export interface Recorded<T> {
  readonly value: T;
  readonly provenance: Provenance;
}

export interface Demographics {
  readonly name: Recorded<PersonName> | null;
  readonly birthDate: Recorded<string> | null;
  readonly gender: Recorded<Gender> | null;
  readonly address: Recorded<PostalAddress> | null;
  readonly phone: Recorded<string> | null;
  readonly email: Recorded<string> | null;
  readonly gpOdsCode: Recorded<string> | null;
  readonly death: Recorded<Death> | null;
}

export type DemographicField = keyof Demographics;
export const DEMOGRAPHIC_FIELDS: readonly DemographicField[] = [
  "name",
  "birthDate",
  "gender",
  "address",
  "phone",
  "email",
  "gpOdsCode",
  "death",
];
/** Never stored or shown for restricted (R) and very restricted (V) records. */
export const LOCATION_FIELDS: readonly DemographicField[] = ["address", "phone", "email", "gpOdsCode"];

export interface Actor {
  readonly userId: string;
  readonly userName: string;
}

export type VerificationState =
  | {
      readonly status: "unverified";
      readonly reason: string | null;
      readonly at: Date | null;
      readonly by: Actor | null;
    }
  | { readonly status: "verified"; readonly by: Actor; readonly at: Date; readonly pdsVersion: string }
  | {
      readonly status: "needs_reverification";
      readonly reason: "changed";
      readonly at: Date;
      readonly previous: { readonly at: Date; readonly pdsVersion: string } | null;
    }
  | { readonly status: "superseded"; readonly survivingNhsNumber: NhsNumber; readonly at: Date }
  | { readonly status: "invalidated"; readonly at: Date }
  | { readonly status: "not_found"; readonly at: Date };

export type VerificationStatus = VerificationState["status"];

/** How the local record's NHS number stands before anyone asks PDS. */
export type NhsNumberIdentifier =
  | { readonly kind: "valid"; readonly value: NhsNumber }
  /** The local system holds a value that fails the check digit: a data-entry error to correct locally. */
  | { readonly kind: "invalid"; readonly text: string }
  | { readonly kind: "none" };

export interface Patient {
  readonly id: string;
  readonly mrn: string;
  readonly nhsNumber: NhsNumberIdentifier;
  /** Earlier NHS numbers this patient was known by (kept when re-keyed to a surviving number). */
  readonly supersededNhsNumbers: readonly NhsNumber[];
  readonly demographics: Demographics;
  readonly confidentiality: Confidentiality;
  readonly verification: VerificationState;
  readonly updatedAt: Date;
}

/** Verification as it stands at a moment: a verification older than the stale limit needs doing again. */
export type EffectiveVerification =
  | VerificationState
  | { readonly status: "stale"; readonly verifiedAt: Date; readonly pdsVersion: string; readonly by: Actor };

export function effectiveVerification(
  v: VerificationState,
  now: Date,
  staleAfterSeconds: number,
): EffectiveVerification {
  if (v.status === "verified" && now.getTime() - v.at.getTime() > staleAfterSeconds * 1000) {
    return { status: "stale", verifiedAt: v.at, pdsVersion: v.pdsVersion, by: v.by };
  }
  return v;
}

/** A patient is ready for a national hand-off only with a valid NHS number verified and not stale. */
export function isVerifiedNow(patient: Patient, now: Date, staleAfterSeconds: number): boolean {
  return (
    patient.nhsNumber.kind === "valid" &&
    effectiveVerification(patient.verification, now, staleAfterSeconds).status === "verified"
  );
}
