/**
 * The EPR as an OAuth 2.0 client of NCRS Connect (authorization code with PKCE S256, RFC 6749 and
 * RFC 7636, client_secret_basic): Connect sends the browser to `/oauth/authorize`; the callback
 * checks `state` against this session's own pending requests, then trades the code for a bearer
 * token that stays in the EPR's server-side session.
 */
import { createHash, randomBytes } from "node:crypto";
import type { EprKit } from "./epr-kit.ts";
import { callNcrs, isObject } from "./ncrs-client.ts";
import { addPending, type EprSession } from "./sessions.ts";

export const CALLBACK_PATH = "/oauth/callback";
export const SCOPE = "patient-context launch";

export function redirectUri(kit: EprKit): string {
  return `${kit.origin}${CALLBACK_PATH}`;
}

/** Starts a Connect: remembers state and verifier in the session; returns where to send the browser. */
export function authorizationUrl(kit: EprKit, session: EprSession, returnTo: string): string {
  const state = randomBytes(24).toString("base64url");
  const codeVerifier = randomBytes(32).toString("base64url");
  addPending(session, state, { codeVerifier, returnTo });
  const url = new URL(`${kit.ncrsConnectUrl}/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: kit.clientId,
    redirect_uri: redirectUri(kit),
    code_challenge: createHash("sha256").update(codeVerifier).digest("base64url"),
    code_challenge_method: "S256",
    state,
    scope: SCOPE,
  })
    .toString()
    .replaceAll("+", "%20"); // a space as %20, as RFC 3986 writes it; a literal "+" is already %2B
  return url.href;
}

export type CallbackResult =
  | { ok: true; returnTo: string }
  | { ok: false; reason: string; returnTo?: string };

/** RFC 6749 §2.3.1: each part form-encoded before joining. */
function basicAuth(id: string, secret: string): string {
  const encode = (text: string) => encodeURIComponent(text).replaceAll("%20", "+");
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString("base64")}`;
}

/** Handles `/oauth/callback`: the state must be one this session sent, used once. */
export async function completeConnect(
  kit: EprKit,
  session: EprSession,
  query: URLSearchParams,
): Promise<CallbackResult> {
  const state = query.get("state") ?? "";
  const pending = session.pending.get(state);
  if (!pending) return { ok: false, reason: "the answer's state is not one this EPR session sent" };
  session.pending.delete(state);
  const error = query.get("error");
  if (error) return { ok: false, reason: `NCRS Connect refused: ${error}`, returnTo: pending.returnTo };
  const code = query.get("code");
  if (!code) return { ok: false, reason: "the answer has no code", returnTo: pending.returnTo };
  const answer = await callNcrs(kit, {
    method: "POST",
    path: "/oauth/token",
    headers: {
      authorization: basicAuth(kit.clientId, kit.clientSecret),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(kit),
      code_verifier: pending.codeVerifier,
    }).toString(),
    logged: { grant_type: "authorization_code", redirect_uri: redirectUri(kit) },
    hideAnswer: true,
  });
  const body = answer.body;
  if (answer.status !== 200 || !isObject(body) || typeof body["access_token"] !== "string") {
    const code =
      isObject(body) && typeof body["error"] === "string" ? body["error"] : `HTTP ${answer.status}`;
    return { ok: false, reason: `the token request failed: ${code}`, returnTo: pending.returnTo };
  }
  if (typeof body["token_type"] !== "string" || body["token_type"].toLowerCase() !== "bearer")
    return { ok: false, reason: "the token is not a bearer token", returnTo: pending.returnTo };
  const expiresIn = typeof body["expires_in"] === "number" ? body["expires_in"] : 3600;
  session.connection = {
    accessToken: body["access_token"],
    expiresAt: Date.now() + expiresIn * 1000,
    scope: typeof body["scope"] === "string" ? body["scope"] : "",
  };
  return { ok: true, returnTo: pending.returnTo };
}
