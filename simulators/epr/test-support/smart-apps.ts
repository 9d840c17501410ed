/**
 * Apps for the SMART tests: one registered with a client secret, one with private_key_jwt whose
 * keys a tiny JWKS server made here publishes, and the client assertion such an app signs.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import type { SmartAppRegistration } from "../server.ts";
import type { SmartClientApp } from "./smart-client.ts";

export const APP_ORIGIN = "http://app.invalid";

export const SECRET_APP: SmartClientApp = {
  clientId: "secret-app",
  secret: "secret-app-secret-0123456789",
  redirectUri: `${APP_ORIGIN}/secret/callback`,
};

export const JWT_APP_ID = "jwt-app";
export const JWT_APP_REDIRECT = `${APP_ORIGIN}/jwt/callback`;

export interface AppKey {
  alg: "RS384" | "ES384" | "RS256";
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function appKey(alg: AppKey["alg"]): Promise<AppKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `app-${alg}-${randomUUID()}`;
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** Serves `{ keys }` at /jwks.json; the keys are the array given (a test may change it). */
export async function startJwksServer(keys: JWK[]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys }));
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

export function testApps(jwksUri: string): SmartAppRegistration[] {
  return [
    {
      clientId: SECRET_APP.clientId,
      launchUrl: `${APP_ORIGIN}/secret/launch`,
      redirectUris: [SECRET_APP.redirectUri],
      auth: { method: "client_secret_basic", secret: SECRET_APP.secret },
      label: "Open the secret app",
    },
    {
      clientId: JWT_APP_ID,
      launchUrl: `${APP_ORIGIN}/jwt/launch?from=ehr`,
      redirectUris: [JWT_APP_REDIRECT],
      auth: { method: "private_key_jwt", jwksUri },
    },
  ];
}

/** A client assertion (RFC 7523) with the claims SMART asks for; `claims` replaces any of them. */
export function clientAssertion(key: AppKey, tokenEndpoint: string, claims: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: JWT_APP_ID,
    sub: JWT_APP_ID,
    aud: tokenEndpoint,
    jti: randomUUID(),
    exp: now + 240,
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
}

export const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
