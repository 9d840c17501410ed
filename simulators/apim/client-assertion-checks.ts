/**
 * The platform's checks of a client assertion, in its order: the claims first (and the `jti` is
 * spent there, before the API key, the JWKS and the signature are looked at, so a refused request
 * still uses up its `jti`), then the registered application, its keys, the exact `aud` and the
 * RS512 signature.
 */
import { compactVerify, type JWTHeaderParameters, type JWTVerifyGetKey } from "jose";
import { isInteger, type JwtParts, jwtParts } from "./jwt-parts.ts";
import type { PlatformState } from "./platform-state.ts";
import { type Check, firstRefusal, type Refusal, refusal } from "./refusal.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** The platform's grace on `exp`, both ways. */
const ALLOWANCE_S = 10;
const MAX_AHEAD_S = 300;
const IN_ASSERTION = "in client_assertion JWT";

export type AssertionOutcome =
  | { readonly ok: true; readonly apiKey: string }
  | { readonly ok: false; readonly refusal: Refusal };

function claimChecks(parts: JwtParts, state: PlatformState, nowS: number): Check[] {
  const { header, claims } = parts;
  const { exp, iss, sub, jti } = claims;
  return [
    () =>
      header["alg"] === "RS512"
        ? undefined
        : refusal(400, `Invalid 'alg' header ${IN_ASSERTION} - unsupported JWT algorithm - must be 'RS512'`),
    () =>
      isInteger(exp) && exp < nowS - ALLOWANCE_S
        ? refusal(400, `Invalid 'exp' claim ${IN_ASSERTION} - JWT has expired`)
        : undefined,
    () =>
      typeof header["kid"] === "string" && header["kid"] !== ""
        ? undefined
        : refusal(400, `Missing 'kid' header ${IN_ASSERTION}`),
    () =>
      typeof header["typ"] === "string" && header["typ"].toLowerCase() === "jwt"
        ? undefined
        : refusal(400, `Invalid 'typ' header ${IN_ASSERTION} - must be 'JWT'`),
    () => (exp === undefined ? refusal(400, `Missing 'exp' claim ${IN_ASSERTION}`) : undefined),
    () =>
      isInteger(exp) ? undefined : refusal(400, `Invalid 'exp' claim ${IN_ASSERTION} - must be an integer`),
    () =>
      typeof iss === "string" && iss !== "" && iss === sub
        ? undefined
        : refusal(400, `Missing or non-matching 'iss'/'sub' claims ${IN_ASSERTION}`),
    () => (jti === undefined ? refusal(400, `Missing 'jti' claim ${IN_ASSERTION}`) : undefined),
    () =>
      typeof jti === "string" && jti !== ""
        ? undefined
        : refusal(400, `Invalid 'jti' claim ${IN_ASSERTION} - must be a unique string value such as a GUID`),
    () =>
      state.spendJti(String(sub), String(jti))
        ? undefined
        : refusal(400, `Non-unique 'jti' claim ${IN_ASSERTION}`),
    () =>
      (exp as number) > nowS + MAX_AHEAD_S + ALLOWANCE_S
        ? refusal(400, `Invalid 'exp' claim ${IN_ASSERTION} - more than 5 minutes in future`)
        : undefined,
  ];
}

async function keyChecks(
  assertion: string,
  parts: JwtParts,
  state: PlatformState,
  now: number,
): Promise<Refusal | undefined> {
  const apiKey = String(parts.claims["sub"]);
  const app = state.applications.get(apiKey);
  if (!app) return refusal(401, `Invalid 'iss'/'sub' claims ${IN_ASSERTION}`);
  if (!app.jwksUrl)
    return refusal(
      403,
      "You need to register a public key to use this authentication method - please contact support to configure",
      "public_key error",
    );
  const jwks =
    state.scenario === "jwks-unreachable" ? { ok: false as const } : await state.jwksOf(app.jwksUrl, now);
  if (!jwks.ok)
    return refusal(403, "The JWKS endpoint, for your client_assertion can't be reached", "public_key error");
  const key = await keyFor(jwks.keys, parts);
  if (!key) return refusal(401, `Invalid 'kid' header ${IN_ASSERTION} - no matching public key`);
  if (parts.claims["aud"] !== state.tokenUrl)
    return refusal(401, `Missing or invalid 'aud' claim ${IN_ASSERTION}`);
  try {
    await compactVerify(assertion, key, { algorithms: ["RS512"] });
    return undefined;
  } catch {
    return refusal(401, "JWT signature verification failed", "public_key error");
  }
}

/** The registered key the assertion's `kid` names, if any (the JWKS is not fetched again for it). */
async function keyFor(keys: JWTVerifyGetKey, parts: JwtParts): Promise<CryptoKey | undefined> {
  try {
    const key = await keys(parts.header as JWTHeaderParameters, { payload: "", signature: "" });
    return key instanceof CryptoKey ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the form's client assertion fields; the API key it names when every check passes. */
export async function checkClientAssertion(
  form: URLSearchParams,
  state: PlatformState,
  now: number,
): Promise<AssertionOutcome> {
  const fail = (r: Refusal): AssertionOutcome => ({ ok: false, refusal: r });
  if (form.get("client_assertion_type") !== JWT_BEARER)
    return fail(refusal(400, `Missing or invalid client_assertion_type - must be '${JWT_BEARER}'`));
  const assertion = form.get("client_assertion");
  if (!assertion) return fail(refusal(400, "Missing client_assertion"));
  const parts = jwtParts(assertion);
  if (!parts) return fail(refusal(400, "Malformed JWT in client_assertion"));
  const refused =
    (await firstRefusal(claimChecks(parts, state, Math.floor(now / 1000)))) ??
    (await keyChecks(assertion, parts, state, now));
  return refused ? fail(refused) : { ok: true, apiKey: String(parts.claims["sub"]) };
}
