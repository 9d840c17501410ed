/**
 * The authorization server's RS256 key for id_tokens, made at start and published at its JWKS
 * URL, and a second key that is never published: the bad_id_token scenario signs with it under
 * the published key's `kid`, so an app that picks the key by `kid` and still accepts the token is
 * not checking the signature.
 */
import { randomUUID } from "node:crypto";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export interface IdTokenKeys {
  kid: string;
  jwks: { keys: JWK[] };
  sign(claims: Record<string, unknown>, forged?: boolean): Promise<string>;
}

function signer(key: CryptoKey, kid: string) {
  return (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(key);
}

export async function makeIdTokenKeys(): Promise<IdTokenKeys> {
  const [published, foreign] = await Promise.all([
    generateKeyPair("RS256", { modulusLength: 2048 }),
    generateKeyPair("RS256", { modulusLength: 2048 }),
  ]);
  const kid = `riverside-ehr-${randomUUID()}`;
  const jwk = { ...(await exportJWK(published.publicKey)), kid, alg: "RS256", use: "sig" };
  const sign = signer(published.privateKey, kid);
  const forge = signer(foreign.privateKey, kid);
  return { kid, jwks: { keys: [jwk] }, sign: (claims, forged) => (forged ? forge(claims) : sign(claims)) };
}
