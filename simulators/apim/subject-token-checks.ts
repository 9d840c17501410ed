/**
 * The checks of a token exchange's subject token, the signed-in user's CIS2 ID token, as the
 * platform makes them: a JWT with `kid`, `typ`, `alg` and an unexpired integer `exp`, issued by
 * the configured CIS2 issuer byte for byte, with an `aud` (present; its value is not compared),
 * signed by a key in CIS2's JWKS, and at authentication assurance level 3 (PDS's user-restricted
 * access is an `aal3` product).
 */
import { compactVerify, createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { isInteger, jwtParts } from "./jwt-parts.ts";
import { type Check, firstRefusal, type Refusal, refusal } from "./refusal.ts";

const IN_SUBJECT = "in subject_token JWT";

export interface Cis2Trust {
  /** Exactly as in CIS2's ID tokens (the simulator's, with its port). */
  readonly issuer: string;
  /** Default: from the issuer's discovery document. */
  readonly jwksUrl?: string;
}

export type SubjectOutcome =
  | { readonly ok: true; readonly user: string }
  | { readonly ok: false; readonly refusal: Refusal };

export class SubjectTokenVerifier {
  readonly #trust: Cis2Trust;
  #keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(trust: Cis2Trust) {
    this.#trust = trust;
  }

  async check(subjectToken: string | null, nowMs: number): Promise<SubjectOutcome> {
    const fail = (r: Refusal): SubjectOutcome => ({ ok: false, refusal: r });
    if (!subjectToken) return fail(refusal(400, "Missing subject_token"));
    const parts = jwtParts(subjectToken);
    if (!parts) return fail(refusal(400, "Malformed JWT in subject_token"));
    const { header, claims } = parts;
    const nowS = Math.floor(nowMs / 1000);
    const checks: Check[] = [
      () =>
        typeof header["kid"] === "string" ? undefined : refusal(400, `Missing 'kid' header ${IN_SUBJECT}`),
      // The platform wants `typ: JWT`; the CIS2 simulator's ID tokens (oidc-provider's) carry no
      // `typ`, so only a wrong one is refused here.
      () =>
        header["typ"] === undefined ||
        (typeof header["typ"] === "string" && header["typ"].toLowerCase() === "jwt")
          ? undefined
          : refusal(400, `Invalid 'typ' header ${IN_SUBJECT} - must be 'JWT'`),
      () =>
        header["alg"] === "RS256" || header["alg"] === "RS512"
          ? undefined
          : refusal(400, `Invalid 'alg' header ${IN_SUBJECT}`),
      () =>
        isInteger(claims["exp"]) ? undefined : refusal(400, `Missing or invalid 'exp' claim ${IN_SUBJECT}`),
      () =>
        (claims["exp"] as number) < nowS
          ? refusal(400, `Invalid 'exp' claim ${IN_SUBJECT} - JWT has expired`)
          : undefined,
      () =>
        claims["iss"] === this.#trust.issuer
          ? undefined
          : refusal(400, `Missing or non-matching 'iss' claim ${IN_SUBJECT}`),
      () => (claims["aud"] === undefined ? refusal(401, `Missing 'aud' claim ${IN_SUBJECT}`) : undefined),
      () => this.#signature(subjectToken, header),
      () =>
        String(claims["authentication_assurance_level"]) === "3"
          ? undefined
          : refusal(
              401,
              "you have tried to request authorization but your application is not configured to use this authorization grant type",
              "unauthorized_client",
            ),
    ];
    const refused = await firstRefusal(checks);
    return refused ? fail(refused) : { ok: true, user: String(claims["sub"]) };
  }

  async #signature(token: string, header: Record<string, unknown>): Promise<Refusal | undefined> {
    let key: CryptoKey;
    try {
      const found = await (await this.#jwks())(header as never, { payload: "", signature: "" });
      if (!(found instanceof CryptoKey)) throw new Error("not a CryptoKey");
      key = found;
    } catch {
      return refusal(401, `Invalid 'kid' header ${IN_SUBJECT} - no matching public key`);
    }
    try {
      await compactVerify(token, key, { algorithms: ["RS256", "RS512"] });
      return undefined;
    } catch {
      return refusal(401, `Signature verification failed for subject_token JWT`, "public_key error");
    }
  }

  #jwks(): Promise<JWTVerifyGetKey> {
    this.#keys ??= this.#discoverJwksUrl().then((url) => createRemoteJWKSet(new URL(url)));
    // A failed discovery is tried again by the next exchange.
    this.#keys.catch(() => {
      this.#keys = undefined;
    });
    return this.#keys;
  }

  async #discoverJwksUrl(): Promise<string> {
    if (this.#trust.jwksUrl) return this.#trust.jwksUrl;
    const response = await fetch(`${this.#trust.issuer}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as { jwks_uri?: string };
    if (!discovery.jwks_uri) throw new Error("CIS2 discovery has no jwks_uri");
    return discovery.jwks_uri;
  }
}
