/**
 * The checks every CIS2 ID token must pass, as named steps. The OIDC library has already verified
 * the signature and the standard claims; these steps state the policy explicitly (including CIS2's
 * assurance rules) so each rule has its own error code, log line and metric, and stays enforced
 * whatever the library does.
 */
import { AppError } from "../platform/errors.ts";
import type { Step } from "../platform/steps.ts";
import { audienceIncludes, nonEmptyString, numericDate } from "./claims.ts";
import { identityErrors } from "./identity.errors.ts";
import type { TokenClaims } from "./identity.ports.ts";

export interface IdTokenPolicy {
  /** Issuer exactly as configured, explicit port included (no URL normalisation). */
  readonly issuer: string;
  readonly clientId: string;
  readonly acceptedAcr: readonly string[];
  readonly minAuthenticationAssurance: number;
  readonly minIdentityAssurance: number;
  readonly maxAuthAgeSeconds: number;
  readonly skewSeconds: number;
}

export interface IdTokenContext {
  readonly claims: TokenClaims;
  readonly expectedNonce: string;
  readonly policy: IdTokenPolicy;
  readonly now: Date;
}

/** Assurance levels arrive as numbers or strings ("3"); anything else counts as absent. */
export function assuranceLevel(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

function fail(definition: (typeof identityErrors)[keyof typeof identityErrors], detail?: string): never {
  throw new AppError(definition, detail === undefined ? {} : { details: { reason: detail } });
}

const nowSeconds = (c: IdTokenContext) => Math.floor(c.now.getTime() / 1000);

export const idTokenSteps: readonly Step<IdTokenContext>[] = [
  {
    name: "subject",
    run: ({ claims }) => {
      if (!nonEmptyString(claims.sub)) fail(identityErrors.id_token_malformed, "sub");
    },
  },
  {
    name: "issuer",
    run: ({ claims, policy }) => {
      if (claims.iss !== policy.issuer) fail(identityErrors.id_token_issuer);
    },
  },
  {
    name: "audience",
    run: ({ claims, policy }) => {
      if (!audienceIncludes(claims.aud, policy.clientId)) fail(identityErrors.id_token_audience);
    },
  },
  {
    name: "authorized_party",
    run: ({ claims, policy }) => {
      const several = Array.isArray(claims.aud) && claims.aud.length > 1;
      if ((several || claims.azp !== undefined) && claims.azp !== policy.clientId) {
        fail(identityErrors.id_token_authorized_party);
      }
    },
  },
  {
    name: "expiry",
    run: (c) => {
      const exp = numericDate(c.claims.exp);
      if (exp === undefined || exp + c.policy.skewSeconds <= nowSeconds(c))
        fail(identityErrors.id_token_expired);
    },
  },
  {
    name: "issued_at",
    run: (c) => {
      const iat = numericDate(c.claims.iat);
      if (iat === undefined || iat - c.policy.skewSeconds > nowSeconds(c))
        fail(identityErrors.id_token_issued_at);
    },
  },
  {
    name: "nonce",
    run: ({ claims, expectedNonce }) => {
      if (claims.nonce !== expectedNonce) fail(identityErrors.id_token_nonce);
    },
  },
  {
    name: "session_id",
    run: ({ claims }) => {
      if (!nonEmptyString(claims.sid)) fail(identityErrors.id_token_session_missing);
    },
  },
  {
    name: "acr",
    run: ({ claims, policy }) => {
      if (typeof claims.acr !== "string" || !policy.acceptedAcr.includes(claims.acr))
        fail(identityErrors.acr_not_accepted);
    },
  },
  {
    name: "authentication_assurance",
    run: ({ claims, policy }) => {
      const aal = assuranceLevel(claims.authentication_assurance_level);
      if (aal === undefined || aal < policy.minAuthenticationAssurance)
        fail(identityErrors.assurance_too_low);
    },
  },
  {
    name: "identity_assurance",
    run: ({ claims, policy }) => {
      const ial = assuranceLevel(claims.id_assurance_level ?? claims.idassurancelevel);
      if (ial === undefined || ial < policy.minIdentityAssurance)
        fail(identityErrors.identity_assurance_too_low);
    },
  },
  {
    name: "auth_time",
    run: (c) => {
      const authTime = numericDate(c.claims.auth_time);
      const oldest = nowSeconds(c) - c.policy.maxAuthAgeSeconds - c.policy.skewSeconds;
      if (authTime === undefined || authTime < oldest || authTime - c.policy.skewSeconds > nowSeconds(c)) {
        fail(identityErrors.auth_time_stale);
      }
    },
  },
];
