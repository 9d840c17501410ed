/**
 * Translates what the OIDC library and the network throw into the identity catalogue, keeping the
 * original as `cause`. Nothing from openid-client leaves `national/`.
 */
import { ResponseBodyError } from "openid-client";
import { identityErrors, logoutTokenErrors } from "../../identity/identity.errors.ts";
import { AppError, type ErrorDefinition } from "../../platform/errors.ts";

interface Described {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
  readonly claim?: unknown;
  readonly cause?: unknown;
}

/** Walks the cause chain collecting library codes, the failed claim and messages. */
function facts(error: unknown): { codes: string[]; claim: string | undefined; text: string } {
  const codes: string[] = [];
  const messages: string[] = [];
  let claim: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const e = current as Described;
    if (typeof e.code === "string") codes.push(e.code);
    if (typeof e.name === "string") codes.push(e.name);
    if (typeof e.message === "string") messages.push(e.message);
    if (claim === undefined && typeof e.claim === "string") claim = e.claim;
    current = e.cause;
  }
  return { codes, claim, text: messages.join(" | ") };
}

const CLAIM_COMPARISON = {
  iss: identityErrors.id_token_issuer,
  aud: identityErrors.id_token_audience,
  azp: identityErrors.id_token_authorized_party,
  nonce: identityErrors.id_token_nonce,
} as const;

const TIMESTAMP = {
  exp: identityErrors.id_token_expired,
  iat: identityErrors.id_token_issued_at,
  nbf: identityErrors.id_token_issued_at,
  auth_time: identityErrors.auth_time_stale,
} as const;

function isNetworkFailure(codes: string[], text: string): boolean {
  const network = [
    "OAUTH_TIMEOUT",
    "OAUTH_ABORT",
    "TimeoutError",
    "AbortError",
    "ECONNREFUSED",
    "ECONNRESET",
    "UND_ERR_SOCKET",
    "UND_ERR_CONNECT_TIMEOUT",
    "ENOTFOUND",
  ];
  return codes.some((c) => network.includes(c)) || /fetch failed/.test(text);
}

/** Maps a failure of discovery, token exchange or userinfo to an AppError. */
export function translateCis2Error(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { codes, claim, text } = facts(error);
  if (isNetworkFailure(codes, text)) return new AppError(identityErrors.cis2_unavailable, { cause: error });
  if (error instanceof ResponseBodyError) {
    const byError: Record<string, ErrorDefinition> = {
      invalid_grant: identityErrors.code_rejected,
      invalid_client: identityErrors.client_rejected,
    };
    const definition = byError[error.error] ?? identityErrors.cis2_error;
    return new AppError(definition, { cause: error, details: { error: error.error } });
  }
  if (codes.includes("OAUTH_JWT_CLAIM_COMPARISON_FAILED")) {
    return new AppError(
      CLAIM_COMPARISON[claim as keyof typeof CLAIM_COMPARISON] ?? identityErrors.id_token_malformed,
      { cause: error },
    );
  }
  if (codes.includes("OAUTH_JWT_TIMESTAMP_CHECK_FAILED")) {
    return new AppError(TIMESTAMP[claim as keyof typeof TIMESTAMP] ?? identityErrors.id_token_malformed, {
      cause: error,
    });
  }
  if (codes.includes("OAUTH_KEY_SELECTION_FAILED") || /signature verification failed/i.test(text)) {
    return new AppError(identityErrors.id_token_signature, { cause: error });
  }
  // An ID token signed with an algorithm we do not accept (none, HS256) is a forged token, not an outage.
  if (codes.includes("OAUTH_UNSUPPORTED_OPERATION") || /"alg"/.test(text)) {
    return new AppError(identityErrors.id_token_signature, { cause: error });
  }
  if (codes.includes("OAUTH_INVALID_RESPONSE") && /ID Token|JWT|claim/i.test(text)) {
    return new AppError(identityErrors.id_token_malformed, { cause: error });
  }
  return new AppError(identityErrors.cis2_error, { cause: error });
}

/** Maps a failure to verify a logout token's signature. */
export function translateLogoutTokenError(error: unknown): AppError {
  const { codes, text } = facts(error);
  if (isNetworkFailure(codes, text)) return new AppError(identityErrors.cis2_unavailable, { cause: error });
  const malformed = codes.some((c) => ["ERR_JWS_INVALID", "ERR_JWT_INVALID"].includes(c));
  return new AppError(malformed ? logoutTokenErrors.malformed : logoutTokenErrors.signature, {
    cause: error,
  });
}
