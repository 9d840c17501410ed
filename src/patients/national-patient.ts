/**
 * A patient as the national demographics service (PDS) holds them, in our terms: what the PDS
 * adapter returns and the verification step compares with local details.
 */
import type { NhsNumber } from "./nhs-number.ts";

export type Gender = "male" | "female" | "other" | "unknown";

/** PDS `meta.security`: U unrestricted, R restricted, V very restricted. */
export type Confidentiality = "unrestricted" | "restricted" | "very_restricted";

export interface PersonName {
  readonly prefix?: string;
  readonly given: readonly string[];
  readonly family: string;
}

export interface PostalAddress {
  readonly lines: readonly string[];
  readonly postalCode?: string;
}

export interface Death {
  /** As PDS gives it: a date-time, or a partial date. */
  readonly dateTime: string;
  /** UK Core DeathNotificationStatus: informal (1), formal (2), removed (U). */
  readonly notificationStatus: "informal" | "formal" | "removed" | null;
}

export interface NationalPatient {
  readonly nhsNumber: NhsNumber;
  /** PDS `meta.versionId` (the number in the ETag). */
  readonly versionId: string;
  /** UK Core NHS number verification status code, e.g. "01" number present and verified. */
  readonly nhsNumberVerificationStatus: string | null;
  readonly confidentiality: Confidentiality;
  /** The usual name, when PDS has one. */
  readonly name: PersonName | null;
  /** YYYY-MM-DD, or a partial date (YYYY-MM, YYYY) when that is all PDS holds. */
  readonly birthDate: string | null;
  readonly gender: Gender | null;
  /** Current home address; always null for restricted records. */
  readonly address: PostalAddress | null;
  readonly phone: string | null;
  readonly email: string | null;
  /** ODS code of the registered GP practice; always null for restricted records. */
  readonly gpOdsCode: string | null;
  readonly death: Death | null;
}

/** What a read of one NHS number at PDS can find; none of these is an error. */
export type DemographicsReadResult =
  | { readonly kind: "found"; readonly patient: NationalPatient; readonly retrievedAt: Date }
  /** PDS answered for a different (surviving) number: the requested one was superseded or merged. */
  | {
      readonly kind: "superseded";
      readonly requested: NhsNumber;
      readonly patient: NationalPatient;
      readonly retrievedAt: Date;
    }
  | { readonly kind: "invalidated"; readonly requested: NhsNumber; readonly retrievedAt: Date }
  | { readonly kind: "not_found"; readonly requested: NhsNumber; readonly retrievedAt: Date };

/** The signed-in user a read is made for (PDS_AUTH=user reads PDS as them). */
export interface ReadingUser {
  /** CIS2 `sub`. */
  readonly userId: string;
  /** Their session, whose CIS2 ID token is exchanged for an access token. */
  readonly sessionId: string;
}

export interface ReadOptions {
  /** Carried to PDS as X-Correlation-ID. */
  readonly correlationId: string;
  /**
   * Whom the read is for: a user checking a patient, or absent for the service's own reads
   * (change events), which go with the application's own access.
   */
  readonly onBehalfOf?: ReadingUser;
  /** Bypass the short cache (still coalesced with a read already in flight). */
  readonly refresh?: boolean;
}

/**
 * The national demographics service. Failures (PDS down, rate limited beyond our retries, circuit
 * open, a response we cannot read) are thrown as AppErrors from `demographicsErrors`.
 */
export interface DemographicsService {
  read(nhsNumber: NhsNumber, options: ReadOptions): Promise<DemographicsReadResult>;
}
