/**
 * OpenID Connect Back-Channel Logout 1.0 as CIS2 sends it when a CIS2 session ends: a logout token
 * signed with the CIS2 signing key, POSTed form-encoded to every relying party the session signed
 * in to that registered a `backchannel_logout_uri`. Faulty variants exist so tests can check that
 * a relying party refuses forged or malformed tokens.
 */
import { randomUUID } from "node:crypto";
import type { Cis2ClientRegistration } from "./clients.ts";
import type { SigningKeys } from "./keys.ts";

export const LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** Lifetime of a logout token, in seconds. */
const LOGOUT_TOKEN_TTL = 120;

export const LOGOUT_TOKEN_VARIANTS = [
  "valid",
  "bad-signature",
  "wrong-iss",
  "wrong-aud",
  "missing-sid",
  "with-nonce",
  "missing-events",
  "expired",
] as const;

export type LogoutTokenVariant = (typeof LOGOUT_TOKEN_VARIANTS)[number];

export interface LogoutTokenInput {
  issuer: string;
  clientId: string;
  sub: string;
  sid: string;
  variant?: LogoutTokenVariant;
}

export interface Delivery {
  client_id: string;
  uri: string;
  /** HTTP status the relying party answered with; 0 when it could not be reached. */
  status: number;
  error?: string;
}

function logoutClaims(input: LogoutTokenInput, now: number): Record<string, unknown> {
  return {
    iss: input.issuer,
    aud: input.clientId,
    iat: now,
    exp: now + LOGOUT_TOKEN_TTL,
    jti: randomUUID(),
    sub: input.sub,
    sid: input.sid,
    events: { [LOGOUT_EVENT]: {} },
  };
}

/** Applies a faulty variant's one change to otherwise valid claims. */
function applyVariant(claims: Record<string, unknown>, variant: LogoutTokenVariant, now: number): void {
  switch (variant) {
    case "wrong-iss":
      claims["iss"] = `${String(claims["iss"])}-not`;
      break;
    case "wrong-aud":
      claims["aud"] = "999999999999.apps.national";
      break;
    case "missing-sid":
      delete claims["sid"];
      break;
    case "with-nonce":
      claims["nonce"] = randomUUID();
      break;
    case "missing-events":
      delete claims["events"];
      break;
    case "expired":
      claims["iat"] = now - 600;
      claims["exp"] = now - 480;
      break;
    case "valid":
    case "bad-signature":
      break;
  }
}

/** Builds a signed logout token (or a deliberately faulty one). */
export async function buildLogoutToken(keys: SigningKeys, input: LogoutTokenInput): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const variant = input.variant ?? "valid";
  const claims = logoutClaims(input, now);
  applyVariant(claims, variant, now);
  return variant === "bad-signature" ? keys.forge(claims, "logout+jwt") : keys.sign(claims, "logout+jwt");
}

/**
 * POSTs a logout token to one relying party. Never throws: the outcome is reported, because one
 * unreachable relying party must not stop the others being told.
 */
export async function deliverLogoutToken(
  client: Cis2ClientRegistration & { backchannel_logout_uri: string },
  logoutToken: string,
): Promise<Delivery> {
  const uri = client.backchannel_logout_uri;
  try {
    const response = await fetch(uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ logout_token: logoutToken }).toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
    return { client_id: client.client_id, uri, status: response.status };
  } catch (cause) {
    const error = cause instanceof Error ? cause.message : String(cause);
    return { client_id: client.client_id, uri, status: 0, error };
  }
}
