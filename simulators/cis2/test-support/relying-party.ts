/**
 * A relying party for tests: registers itself with a running simulator, publishes its JWKS and
 * receives back-channel logout tokens on a small node:http server (port 0), and exchanges codes
 * at the token endpoint with private_key_jwt (RS512 or RS256) or client_secret_post.
 */

import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { Cis2ClientRegistration, Cis2Simulator } from "../server.ts";

export interface RelyingPartyOptions {
  auth: "private_key_jwt" | "client_secret_post";
  alg?: "RS512" | "RS256";
  /** Status the logout endpoint answers with. */
  logoutStatus?: number;
  /** Register a back-channel logout URI (default true). */
  backchannelLogout?: boolean;
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface RelyingParty {
  clientId: string;
  redirectUri: string;
  registration: Cis2ClientRegistration;
  /** Logout tokens received at the back-channel logout URI, oldest first. */
  logoutTokens: string[];
  authorizeUrl(params: Record<string, string>): URL;
  exchange(code: string, extra?: Record<string, string>): Promise<TokenResponse>;
  userinfo(accessToken: string): Promise<TokenResponse>;
  close(): Promise<void>;
}

type Signer = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

function startServer(jwks: unknown, received: string[], logoutStatus: number): Server {
  return createServer((req, res) => {
    if (req.url === "/jwks") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwks));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const token = new URLSearchParams(Buffer.concat(chunks).toString()).get("logout_token");
      if (req.url === "/backchannel-logout" && token) received.push(token);
      res.writeHead(req.url === "/backchannel-logout" ? logoutStatus : 404).end();
    });
  });
}

async function clientAssertion(key: Signer, alg: string, clientId: string, audience: string) {
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: "rp-key" })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(key);
}

function registrationFor(origin: string, options: RelyingPartyOptions, alg: string, secret: string) {
  const clientId = `${Math.floor(Math.random() * 1e12)}.apps.national`;
  const registration: Cis2ClientRegistration = {
    client_id: clientId,
    client_name: `Test service ${clientId.slice(0, 4)}`,
    token_endpoint_auth_method: options.auth,
    redirect_uris: [`${origin}/callback`],
    ...(options.backchannelLogout === false
      ? {}
      : { backchannel_logout_uri: `${origin}/backchannel-logout` }),
    ...(options.auth === "private_key_jwt"
      ? { jwks_uri: `${origin}/jwks`, jwks_uri_signing_algorithm: alg === "RS256" ? "RS256" : "RS512" }
      : { client_secret: secret }),
  };
  return registration;
}

interface Credentials {
  options: RelyingPartyOptions;
  alg: string;
  key: Signer;
  secret: string;
}

async function clientAuth(credentials: Credentials, clientId: string, tokenEndpoint: string) {
  if (credentials.options.auth === "client_secret_post") return { client_secret: credentials.secret };
  return {
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: await clientAssertion(credentials.key, credentials.alg, clientId, tokenEndpoint),
  };
}

async function postForm(url: string, form: Record<string, string>): Promise<TokenResponse> {
  const response = await fetch(url, { method: "POST", body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Starts the relying party's servers and registers it with the simulator. */
export async function startRelyingParty(
  sim: Cis2Simulator,
  options: RelyingPartyOptions,
): Promise<RelyingParty> {
  const alg = options.alg ?? "RS512";
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "rp-key", alg, use: "sig" }] };
  const logoutTokens: string[] = [];
  const server = startServer(jwks, logoutTokens, options.logoutStatus ?? 200);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const credentials: Credentials = { options, alg, key: privateKey, secret: `secret-${randomUUID()}` };
  const registration = registrationFor(origin, options, alg, credentials.secret);
  await sim.registerClient(registration);
  const clientId = registration.client_id;
  const redirectUri = `${origin}/callback`;
  const tokenEndpoint = `${sim.issuer}/access_token`;
  return {
    clientId,
    redirectUri,
    registration,
    logoutTokens,
    authorizeUrl: (params) => {
      const url = new URL(`${sim.issuer}/authorize`);
      const base = { client_id: clientId, response_type: "code", redirect_uri: redirectUri };
      for (const [k, v] of Object.entries({ ...base, ...params })) url.searchParams.set(k, v);
      return url;
    },
    exchange: async (code, extra = {}) => {
      const auth = await clientAuth(credentials, clientId, tokenEndpoint);
      const form = { grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: clientId };
      return postForm(tokenEndpoint, { ...form, ...auth, ...extra });
    },
    userinfo: async (accessToken) => {
      const response = await fetch(`${sim.issuer}/userinfo`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    close: async () => {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
