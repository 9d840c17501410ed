/**
 * What the SMART EHR launch needs from the EHR's authorization and FHIR servers (an adapter in
 * src/national/smart/ speaks OAuth 2.0 and FHIR to them). Every answer is a value: a refusal names
 * its problem, and nothing of the OAuth library reaches the domain.
 */
import type { SmartLaunchProblem } from "./smart-launch.errors.ts";

/** A registered EHR as the launch needs it (its client authentication stays in the adapter). */
export interface SmartEhr {
  readonly id: string;
  readonly name: string;
  /** Its FHIR base URL, as registered (no trailing slash). */
  readonly iss: string;
  readonly encounter: boolean;
  readonly fhirUserMatch: "none" | "id" | "identifier";
  readonly fhirUserSystem: string;
}

export type SmartResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: SmartLaunchProblem; readonly ehrError?: string };

/**
 * A token response, held in memory only while the patient is read: the access token is never
 * stored, logged or put in an address.
 */
export interface SmartGrant {
  readonly accessToken: string;
  /** Its `scope`, when it sent one. */
  readonly scope: string | undefined;
  /** Launch context: the `patient` and `encounter` it named, as sent. */
  readonly patient: unknown;
  readonly encounter: unknown;
  /** The checked id_token's claims, when one came. */
  readonly idTokenClaims: Readonly<Record<string, unknown>> | undefined;
}

export interface AuthorizationRequest {
  readonly launch: string;
  readonly scopes: readonly string[];
  readonly state: string;
  readonly codeChallenge: string;
  readonly nonce: string;
}

export interface CodeExchangeChecks {
  readonly state: string;
  readonly codeVerifier: string;
  /** An id_token that comes is checked: its signature by the EHR's keys, issuer, audience, nonce, times. */
  readonly nonce: string;
}

export interface SmartEhrClient {
  /** Reads the EHR's smart-configuration (cached) and builds its authorization URL. */
  authorizationUrl(ehr: SmartEhr, request: AuthorizationRequest): Promise<SmartResult<URL>>;
  /** Trades the authorization answer's code at the EHR's token endpoint. */
  exchange(
    ehr: SmartEhr,
    answer: URLSearchParams,
    checks: CodeExchangeChecks,
  ): Promise<SmartResult<SmartGrant>>;
  /** Reads one FHIR resource (`Patient/123`, relative to iss) with the grant's access token. */
  read(ehr: SmartEhr, grant: SmartGrant, reference: string): Promise<SmartResult<Record<string, unknown>>>;
}
