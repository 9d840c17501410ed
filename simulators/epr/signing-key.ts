/**
 * The EPR's ES256 key pair for signed context launches, made at start and kept in memory: a real
 * system keeps its key in a vault and publishes the public half the same way, at
 * `/.well-known/jwks.json`, where NCRS Connect fetches it by the registered `jwksUri`.
 */
import { randomUUID } from "node:crypto";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = `riverside-epr-${randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return { kid, privateKey, publicJwk };
}

export function jwks(key: SigningKey): { keys: JWK[] } {
  return { keys: [key.publicJwk] };
}
