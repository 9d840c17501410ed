/**
 * The signed JWT with which this service proves who it is to the NHS API platform (its
 * "client assertion", RFC 7523). The platform accepts RS512 only, needs `typ: JWT` and the `kid`
 * of a key in the JWKS registered for the application, `iss` = `sub` = the API key, `aud` = the
 * exact token URL, a `jti` never used before, and an integer `exp` at most five minutes ahead.
 * No `iat` or `nbf`: the platform does not ask for them, and a server clock slightly ahead of the
 * platform's would make an `nbf` fail.
 */
import { SignJWT } from "jose";
import type { SigningKey } from "../../platform/key-store.ts";

export const ASSERTION_ALG = "RS512";
/** The platform refuses an `exp` more than this far ahead (it allows itself 10 s more). */
export const MAX_ASSERTION_SECONDS = 300;

export interface AssertionInput {
  readonly key: SigningKey;
  readonly apiKey: string;
  /** The token URL exactly as the request is sent to it. */
  readonly tokenUrl: string;
  /** Unique per attempt: the platform spends a `jti` even on a request it refuses. */
  readonly jti: string;
  readonly now: Date;
  /** 1 to 300. */
  readonly lifetimeSeconds: number;
}

export class AssertionKeyError extends Error {
  override readonly name = "AssertionKeyError";
}

export async function signClientAssertion(input: AssertionInput): Promise<string> {
  const { key, lifetimeSeconds } = input;
  if (key.alg !== ASSERTION_ALG)
    throw new AssertionKeyError(`the key is for ${key.alg}, not ${ASSERTION_ALG}`);
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > MAX_ASSERTION_SECONDS)
    throw new RangeError(`an assertion lives 1-${MAX_ASSERTION_SECONDS} seconds, not ${lifetimeSeconds}`);
  const exp = Math.floor(input.now.getTime() / 1000) + lifetimeSeconds;
  try {
    return await new SignJWT({})
      .setProtectedHeader({ alg: ASSERTION_ALG, typ: "JWT", kid: key.kid })
      .setIssuer(input.apiKey)
      .setSubject(input.apiKey)
      .setAudience(input.tokenUrl)
      .setJti(input.jti)
      .setExpirationTime(exp)
      .sign(key.privateKey);
  } catch (error) {
    throw new AssertionKeyError("the private key cannot sign RS512", { cause: error });
  }
}
