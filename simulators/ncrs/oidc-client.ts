/**
 * NCRS as a relying party of CIS2: it registers itself with the CIS2 simulator (confidential,
 * `client_secret_post`), then signs users in with the authorization code flow through
 * openid-client, a certified relying-party library. It asks for AAL2 or AAL3 and never sends
 * `prompt=login`, so a browser that already holds a CIS2 session (the clinician signed in to
 * their clinical system a moment ago) passes straight through, as single sign-on promises.
 */
import { randomBytes } from "node:crypto";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oidc from "openid-client";

/** The scopes NCRS asks for: identity, the user's roles and organisations, the selected role. */
export const SCOPES = ["openid", "profile", "nationalrbacaccess", "associatedorgs", "selectedrole"];
export const ACR_VALUES = "AAL2_OR_AAL3_ANY";

export interface Cis2Settings {
  issuer: string;
  /** Origin of the CIS2 simulator; its control API is under `/sim/api/`. */
  controlBaseUrl: string;
  clientId: string;
  redirectUri: string;
  /** Where CIS2 posts back-channel logout tokens for NCRS's sessions. */
  backchannelLogoutUri: string;
  log: (line: string) => void;
}

/** The secrets of one authorization request, kept in the NCRS session until CIS2 answers. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What a completed sign-in tells NCRS. */
export interface Cis2SignIn {
  sub: string;
  /** CIS2's session id, which back-channel logout tokens name. */
  sid: string | null;
  selectedRoleId: unknown;
  userinfo: Record<string, unknown>;
}

export interface Cis2Client {
  /** Fresh state, nonce and PKCE verifier for one authorization request. */
  newChecks(): AuthorizationChecks;
  /** The CIS2 authorization URL; `changeRole` asks CIS2 to let the user pick another role. */
  authorizationUrl(checks: AuthorizationChecks, changeRole: boolean): Promise<URL>;
  /** Validates CIS2's answer at the callback, exchanges the code and reads UserInfo. */
  complete(callbackUrl: URL, checks: AuthorizationChecks): Promise<Cis2SignIn>;
  /**
   * Checks a back-channel logout token as OIDC Back-Channel Logout 1.0 says (signature against
   * CIS2's keys, issuer, audience, the logout event, no nonce, a sid) and returns the CIS2 session
   * it ends; throws when it does not pass.
   */
  verifyLogoutToken(token: string): Promise<{ sid: string }>;
}

async function register(settings: Cis2Settings, secret: string): Promise<void> {
  const url = `${settings.controlBaseUrl}/sim/api/clients/${encodeURIComponent(settings.clientId)}`;
  const registration = {
    client_id: settings.clientId,
    client_name: "National Care Records Service (local simulator)",
    token_endpoint_auth_method: "client_secret_post",
    client_secret: secret,
    redirect_uris: [settings.redirectUri],
    // NCRS is a national application: when the CIS2 session ends, so do its sessions.
    backchannel_logout_uri: settings.backchannelLogoutUri,
  };
  const response = await fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(registration),
  });
  if (!response.ok) {
    throw new Error(
      `CIS2 refused the NCRS client registration (${response.status}): ${await response.text()}`,
    );
  }
}

async function discover(settings: Cis2Settings, secret: string): Promise<oidc.Configuration> {
  const insecure = new URL(settings.issuer).protocol === "http:";
  // openid-client refuses http issuers unless told; only a local CIS2 simulator is served over http.
  if (insecure) settings.log(`ncrs-sim: allowing plain-http requests to the CIS2 issuer ${settings.issuer}`);
  return oidc.discovery(
    new URL(settings.issuer),
    settings.clientId,
    secret,
    oidc.ClientSecretPost(),
    insecure ? { execute: [oidc.allowInsecureRequests] } : {},
  );
}

const BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** The scope string; a change of role swaps `selectedrole` for `changedrole` (CIS2 then always asks). */
function scopeFor(changeRole: boolean): string {
  return SCOPES.map((s) => (changeRole && s === "selectedrole" ? "changedrole" : s)).join(" ");
}

/**
 * Registers NCRS with the CIS2 simulator under a fresh secret and discovers the issuer. Throws
 * when CIS2 is unreachable or refuses the registration: NCRS cannot sign anyone in without it.
 */
export async function connectToCis2(settings: Cis2Settings): Promise<Cis2Client> {
  const secret = randomBytes(32).toString("base64url");
  await register(settings, secret);
  const config = await discover(settings, secret);
  settings.log(`ncrs-sim: registered with CIS2 as ${settings.clientId}`);
  const jwksUri = config.serverMetadata().jwks_uri;
  if (!jwksUri) throw new Error("CIS2 discovery has no jwks_uri");
  const keys = createRemoteJWKSet(new URL(jwksUri));
  return {
    newChecks: () => ({
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    }),
    authorizationUrl: async (checks, changeRole) =>
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: scopeFor(changeRole),
        acr_values: ACR_VALUES,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
      }),
    complete: async (callbackUrl, checks) => {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error("CIS2 returned no ID token");
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      const sid = typeof claims["sid"] === "string" ? claims["sid"] : null;
      return { sub: claims.sub, sid, selectedRoleId: claims["selected_roleid"], userinfo };
    },
    verifyLogoutToken: async (token) => {
      const { payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.clientId,
        maxTokenAge: "5 min",
      });
      const events = payload["events"] as Record<string, unknown> | undefined;
      if (!events || typeof events !== "object" || !(BACKCHANNEL_EVENT in events))
        throw new Error("not a logout token: no back-channel logout event");
      if ("nonce" in payload) throw new Error("a logout token carries no nonce");
      if (typeof payload["sid"] !== "string") throw new Error("the logout token names no sid");
      return { sid: payload["sid"] };
    },
  };
}
