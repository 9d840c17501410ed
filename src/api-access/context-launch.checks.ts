/**
 * The checks a signed context launch token must pass, with jose: results as values, each refusal
 * its own problem (and so its own code, log line and audit record). The rules are ADR 17's:
 *  - a compact JWS signed with ES256, ES384, PS256 or RS256 (never `none` or an HMAC: an HMAC
 *    secret would have to be shared with us), with a `kid`, and `typ` "JWT" when there is one;
 *  - or that JWS inside a compact JWE encrypted to our published encryption key (ECDH-ES+A256KW or
 *    RSA-OAEP-256, A256GCM, `cty` "JWT"): the only form accepted in an address;
 *  - `iss` a registered system (read before verifying, only to choose that system's keys),
 *    `aud` our `/context-launch` address, `iat` and `exp` at most 300 s apart, within the skew of
 *    our clock, a `jti`, and a `patient`; `user_hint`, `encounter` and `window_id` when sent must
 *    be well formed.
 * Whether the `jti` was used before is the service's to decide (it needs the store).
 */
import {
  compactDecrypt,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import type { ContextLaunchProblem } from "./context-launch.errors.ts";

export const SIGNING_ALGORITHMS = ["ES256", "ES384", "PS256", "RS256"] as const;
export const KEY_MANAGEMENT_ALGORITHMS = ["ECDH-ES+A256KW", "RSA-OAEP-256"] as const;
export const CONTENT_ENCRYPTION_ALGORITHMS = ["A256GCM"] as const;
export const MAX_LIFETIME_SECONDS = 300;
const USER_HINT = /^\d{12}$/;
const DEFAULT_WINDOW = "desktop";

/** What a launch that passed every check says. */
export interface LaunchClaims {
  readonly clientId: string;
  readonly jti: string;
  readonly expiresAt: Date;
  /** The FHIR R4 Patient as sent (the hand-over reads and checks it). */
  readonly patient: Record<string, unknown>;
  readonly userHint: string | null;
  readonly encounter: string | null;
  readonly windowId: string;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: LaunchClaims; readonly encrypted: boolean }
  | { readonly ok: false; readonly problem: ContextLaunchProblem; readonly clientId: string | null };

export interface TokenCheckOptions {
  /** `{PUBLIC_URL}/context-launch`. */
  readonly audience: string;
  readonly skewSeconds: number;
  /** A registered system's keys, or undefined for an issuer we do not know. */
  readonly keysOf: (clientId: string) => ClientKeys | undefined;
  /** Our private encryption key published under `kid`. */
  readonly decryptionKey: (kid: string) => Promise<CryptoKey | undefined>;
  /** An address carries only encrypted tokens. */
  readonly encryptionRequired: boolean;
  readonly now: Date;
}

export interface ClientKeys {
  readonly getKey: JWTVerifyGetKey;
  /** Keys fetched from the system's jwksUri (a fetch can fail) rather than registered inline. */
  readonly remote: boolean;
}

const refuse = (problem: ContextLaunchProblem, clientId: string | null = null): TokenCheck => ({
  ok: false,
  problem,
  clientId,
});

/** Checks a launch token; never throws for anything the token holds. */
export async function checkLaunchToken(token: string, options: TokenCheckOptions): Promise<TokenCheck> {
  const parts = token.split(".").length;
  if (parts === 5) {
    const inner = await decrypt(token, options);
    if (inner === undefined) return refuse("bad_encryption");
    if (inner.split(".").length !== 3) return refuse("malformed");
    return withEncrypted(await checkSigned(inner, options), true);
  }
  if (parts !== 3) return refuse("malformed");
  if (options.encryptionRequired) return refuse("encryption_required", issuerOf(token));
  return withEncrypted(await checkSigned(token, options), false);
}

function withEncrypted(check: TokenCheck, encrypted: boolean): TokenCheck {
  return check.ok ? { ...check, encrypted } : check;
}

async function decrypt(token: string, options: TokenCheckOptions): Promise<string | undefined> {
  try {
    const header = decodeProtectedHeader(token);
    if (typeof header.cty !== "string" || header.cty.toUpperCase() !== "JWT") return undefined;
    const { plaintext } = await compactDecrypt(
      token,
      async (h) => {
        const key = typeof h.kid === "string" ? await options.decryptionKey(h.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        keyManagementAlgorithms: [...KEY_MANAGEMENT_ALGORITHMS],
        contentEncryptionAlgorithms: [...CONTENT_ENCRYPTION_ALGORITHMS],
      },
    );
    return new TextDecoder().decode(plaintext);
  } catch {
    return undefined;
  }
}

function issuerOf(token: string): string | null {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === "string" ? iss : null;
  } catch {
    return null;
  }
}

async function checkSigned(token: string, options: TokenCheckOptions): Promise<TokenCheck> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    return refuse("malformed");
  }
  const alg = header.alg ?? "";
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(alg)) return refuse("alg_not_allowed");
  if (typeof header.kid !== "string" || header.kid === "") return refuse("kid_missing");
  if (header.typ !== undefined && String(header.typ).toUpperCase() !== "JWT") return refuse("wrong_type");
  const iss = typeof unverified.iss === "string" ? unverified.iss : null;
  const keys = iss === null ? undefined : options.keysOf(iss);
  if (!keys || iss === null) return refuse("unknown_client");
  let payload: JWTPayload;
  try {
    payload = (
      await jwtVerify(token, keys.getKey, {
        algorithms: [...SIGNING_ALGORITHMS],
        issuer: iss,
        audience: options.audience,
        clockTolerance: options.skewSeconds,
        currentDate: options.now,
        requiredClaims: ["iat", "exp"],
      })
    ).payload;
  } catch (error) {
    return refuse(problemOf(error, keys.remote), iss);
  }
  return claimsOf(payload, iss, options);
}

function claimsOf(payload: JWTPayload, clientId: string, options: TokenCheckOptions): TokenCheck {
  const fail = (problem: ContextLaunchProblem) => refuse(problem, clientId);
  const { iat, exp } = payload;
  if (typeof iat !== "number" || typeof exp !== "number") return fail("missing_times");
  const now = options.now.getTime() / 1000;
  if (iat - options.skewSeconds > now) return fail("not_yet_valid");
  if (exp - iat > MAX_LIFETIME_SECONDS) return fail("lifetime_too_long");
  const jti = payload.jti;
  if (typeof jti !== "string" || jti.length === 0 || jti.length > 200) return fail("jti_missing");
  const patient = payload["patient"];
  if (typeof patient !== "object" || patient === null || Array.isArray(patient))
    return fail("patient_missing");
  const hint = payload["user_hint"];
  if (hint !== undefined && (typeof hint !== "string" || !USER_HINT.test(hint)))
    return fail("invalid_user_hint");
  const encounter = payload["encounter"] as { reference?: unknown } | undefined;
  const reference = encounter?.reference;
  if (
    encounter !== undefined &&
    (typeof encounter !== "object" ||
      encounter === null ||
      typeof reference !== "string" ||
      reference.length < 1 ||
      reference.length > 200)
  )
    return fail("invalid_encounter");
  const windowId = payload["window_id"];
  return {
    ok: true,
    encrypted: false,
    claims: {
      clientId,
      jti,
      expiresAt: new Date(exp * 1000),
      patient: patient as Record<string, unknown>,
      userHint: typeof hint === "string" ? hint : null,
      encounter: typeof reference === "string" ? reference : null,
      // The hand-over checks a window id's shape; anything not a string is its refusal to make.
      windowId: windowId === undefined ? DEFAULT_WINDOW : (windowId as string),
    },
  };
}

/** jose's refusal, as ours. */
function problemOf(error: unknown, remote: boolean): ContextLaunchProblem {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "wrong_audience";
    if ((error.claim === "iat" || error.claim === "exp") && error.reason === "missing")
      return "missing_times";
    if (error.claim === "iat" || error.claim === "nbf") return "not_yet_valid";
    return "malformed";
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown_key";
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSMultipleMatchingKeys
  )
    return "bad_signature";
  if (error instanceof errors.JOSEAlgNotAllowed) return "alg_not_allowed";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return "malformed";
  // A system's JWKS that could not be fetched or read (timeout, refused connection, bad JSON).
  if (remote) return "keys_unavailable";
  return "unknown_key";
}
