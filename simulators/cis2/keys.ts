/**
 * The simulator's signing keys, generated in memory at every start (nothing to leak or commit).
 * CIS2 signs ID tokens and logout tokens with RS256. A second, never-published key with the same
 * `kid` forges signatures for the bad-signature scenarios: a relying party that picks the key by
 * `kid` and still accepts the token is not checking the signature.
 */
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";

export interface SigningKeys {
  /** Private JWK handed to the OpenID provider (it publishes the public half in the JWKS). */
  providerJwk: JWK;
  kid: string;
  /** Signs a JWT with the published key. */
  sign(payload: Record<string, unknown>, typ?: string): Promise<string>;
  /** Signs a JWT with the unpublished key, under the published key's `kid`. */
  forge(payload: Record<string, unknown>, typ?: string): Promise<string>;
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

async function signWith(key: PrivateKey, kid: string, payload: Record<string, unknown>, typ?: string) {
  const header = typ === undefined ? { alg: "RS256", kid } : { alg: "RS256", kid, typ };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(key);
}

/** Generates the published RS256 key pair and the foreign one. */
export async function generateSigningKeys(): Promise<SigningKeys> {
  const published = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
  const foreign = await generateKeyPair("RS256", { modulusLength: 2048 });
  const jwk = await exportJWK(published.privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    providerJwk: { ...jwk, kid, alg: "RS256", use: "sig" },
    kid,
    sign: (payload, typ) => signWith(published.privateKey, kid, payload, typ),
    forge: (payload, typ) => signWith(foreign.privateKey, kid, payload, typ),
  };
}
