/**
 * The OpenID provider at the heart of the simulator (panva's certified oidc-provider), configured
 * in CIS2's shape: AM's endpoint paths under the Healthcare realm, authorization code flow for
 * confidential clients only, CIS2's scopes and claims, and the simulator's own interactions.
 */
import { randomBytes } from "node:crypto";
import Provider, {
  type Configuration,
  type ErrorOut,
  type errors,
  type KoaContextWithOIDC,
} from "oidc-provider";
import { accountFinder, CLAIMS_BY_SCOPE } from "./account.ts";
import { createAdapter } from "./adapter.ts";
import { ACR_CLASSES } from "./assurance.ts";
import { authorizationRecorder, grantLoader } from "./grants.ts";
import { cis2Policy } from "./policy.ts";
import { responseShaper } from "./response-shaping.ts";
import type { SessionEnding } from "./session-ending.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";
import { render } from "./views/render.ts";

/** ForgeRock AM's path for the realm CIS2 serves health and care users from. */
export const ISSUER_PATH = "/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare";

/** Where the provider sends the browser to sign in or pick a role. */
export const INTERACTION_PREFIX = "/sim/interaction/";

/**
 * The provider's fetch (used for client JWKS) without its guard against private addresses: the
 * relying parties this simulator serves run on localhost. This applies to the simulator only.
 */
function loopbackFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  if (!init) return fetch(input);
  const { dispatcher: _guarded, ...rest } = init as RequestInit & { dispatcher?: unknown };
  return fetch(input, rest);
}

function page(ctx: KoaContextWithOIDC, context: Record<string, unknown>): void {
  ctx.type = "html";
  ctx.body = render("message", context);
}

function renderError(ctx: KoaContextWithOIDC, out: ErrorOut): void {
  const rows = Object.entries(out).map(([key, value]) => ({
    key: { text: key },
    value: { text: String(value) },
  }));
  page(ctx, {
    title: "Sorry, CIS2 could not complete this request",
    paragraphs: ["Go back to the service and try again. The details below help the service's developers."],
    rows,
  });
}

/** The protocol CIS2 speaks: AM's paths, code flow, CIS2's scopes, claims and assurance classes. */
function protocol(): Configuration {
  return {
    routes: {
      authorization: "/authorize",
      token: "/access_token",
      userinfo: "/userinfo",
      jwks: "/connect/jwk_uri",
      end_session: "/connect/endSession",
    },
    scopes: ["openid", ...Object.keys(CLAIMS_BY_SCOPE)],
    claims: Object.fromEntries(
      Object.entries(CLAIMS_BY_SCOPE).map(([scope, claims]) => [scope, [...claims]]),
    ),
    responseTypes: ["code"],
    clientAuthMethods: ["private_key_jwt", "client_secret_post"],
    enabledJWA: { clientAuthSigningAlgValues: ["RS512", "RS256"], idTokenSigningAlgValues: ["RS256"] },
    acrValues: [...ACR_CLASSES],
    // CIS2 does not document PKCE; S256 is honoured when sent, never demanded.
    pkce: { required: () => false },
    // CIS2 uses the redirect URI in both requests; be as strict.
    allowOmittingSingleRegisteredRedirectUri: false,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 120,
      IdToken: 300,
      Interaction: 1800,
      Session: 43_200,
      Grant: 43_200,
    },
  };
}

/** Only what CIS2 offers; the provider's development-only and extra features are off. */
function features(): Configuration["features"] {
  return {
    devInteractions: { enabled: false },
    dPoP: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    resourceIndicators: { enabled: false },
    userinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: (ctx, form) =>
        page(ctx, { title: "Do you want to sign out of CIS2?", paragraphs: [], formHtml: form }),
      postLogoutSuccessSource: (ctx) =>
        page(ctx, { title: "You have signed out of CIS2", paragraphs: ["You can close this window."] }),
    },
  };
}

function configuration(deps: SimulatorDeps): Configuration {
  return {
    ...protocol(),
    features: features(),
    adapter: createAdapter(deps.clients),
    jwks: { keys: [deps.keys.providerJwk] },
    interactions: {
      policy: cis2Policy(deps),
      url: (_ctx, interaction) => `${INTERACTION_PREFIX}${interaction.uid}`,
    },
    // Every authorization gets its own grant (grants.ts); binding codes and tokens to the session's
    // latest grant would void a code issued moments earlier in another tab.
    expiresWithSession: () => false,
    findAccount: accountFinder(deps),
    loadExistingGrant: grantLoader(deps),
    // Cookies are not port-scoped: prefixed names keep them apart from a relying party on localhost.
    cookies: {
      keys: [randomBytes(32).toString("base64url")],
      names: { session: "cis2sim_session", interaction: "cis2sim_interaction", resume: "cis2sim_resume" },
    },
    fetch: loopbackFetch,
    renderError,
  };
}

/** Builds the provider, with the simulator's response shaping and event handling attached. */
export function createProvider(deps: SimulatorDeps): Provider {
  const provider = new Provider(deps.issuer, configuration(deps));
  provider.use(responseShaper(deps));
  provider.on("authorization.accepted", authorizationRecorder(deps));
  // The detail names the failed check (e.g. which client-assertion claim), which is what a developer needs.
  const describe = (err: errors.OIDCProviderError) =>
    [err.error, err.error_description, err.error_detail].filter(Boolean).join(": ");
  provider.on("grant.error", (_ctx, err) => deps.log(`cis2-sim: token request refused: ${describe(err)}`));
  provider.on("authorization.error", (_ctx, err) =>
    deps.log(`cis2-sim: authorization refused: ${describe(err)}`),
  );
  provider.on("server_error", (_ctx, err) =>
    deps.log(`cis2-sim: provider error: ${err.stack ?? err.message}`),
  );
  return provider;
}

/**
 * Ends the CIS2 session when the user confirms sign-out at the end-session endpoint. Runs after the
 * provider's own handling and before the response leaves, so relying parties have been told by the
 * time the browser is redirected.
 */
export function endCis2SessionOnSignOut(
  deps: SimulatorDeps,
  provider: Provider,
  ending: SessionEnding,
): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => {
    await next();
    const oidc = ctx.oidc as KoaContextWithOIDC["oidc"] | undefined;
    if (oidc?.route !== "end_session_confirm" || !oidc.params?.["logout"]) return;
    const cis2 = deps.sessions.byBrowser(oidc.session?.uid);
    if (cis2) await ending.end(cis2.sid, "signed out at the end-session endpoint");
  });
}
