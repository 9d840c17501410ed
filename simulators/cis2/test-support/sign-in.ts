/**
 * Drives a whole CIS2 sign-in over HTTP for tests: authorize → sign-in form → role page (when
 * shown) → callback with a code, then the token exchange and ID token verification.
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { Cis2Simulator } from "../server.ts";
import { type Browser, type Page, radios, type Step } from "./browser.ts";
import type { RelyingParty, TokenResponse } from "./relying-party.ts";

export interface SignInChoice {
  user: string;
  authenticator: string;
  scenario?: string;
  /** Role to pick if the role page is shown. */
  role?: string;
}

export interface FlowResult {
  callback: URL;
  /** The simulator pages the browser was shown, in order. */
  pages: ("sign-in" | "role")[];
}

export function pageKind(page: Page): "sign-in" | "role" | "other" {
  if (radios(page.html, "user").length > 0) return "sign-in";
  if (/<h1[^>]*>Select your role<\/h1>/.test(page.html)) return "role";
  return "other";
}

/** Answers the page in front of the browser according to `choice`. */
async function answer(browser: Browser, page: Page, choice: SignInChoice): Promise<Step> {
  const kind = pageKind(page);
  if (kind === "sign-in") {
    return browser.submit(page, {
      user: choice.user,
      authenticator: choice.authenticator,
      sim_scenario: choice.scenario ?? "",
    });
  }
  if (kind === "role" && choice.role) return browser.submit(page, { role: choice.role });
  throw new Error(`unexpected ${kind} page (${page.status}) at ${page.url.href}: ${page.html.slice(0, 300)}`);
}

/** Runs the browser side of the flow until the relying party's callback. */
export async function signIn(
  browser: Browser,
  rp: RelyingParty,
  params: Record<string, string>,
  choice: SignInChoice,
): Promise<FlowResult> {
  const pages: FlowResult["pages"] = [];
  let step = await browser.go(rp.authorizeUrl(params));
  for (let turn = 0; turn < 5; turn++) {
    if (step.kind === "callback") return { callback: step.url, pages };
    const kind = pageKind(step.page);
    if (kind !== "other") pages.push(kind);
    step = await answer(browser, step.page, choice);
  }
  throw new Error("sign-in did not finish");
}

/** Default authorization parameters, as an app using CIS2 would send them. */
export function authParams(extra: Record<string, string> = {}): Record<string, string> {
  return { scope: "openid", state: "state-123", nonce: "nonce-456", prompt: "login", ...extra };
}

/** The code from a successful callback (throws with the error otherwise). */
export function codeFrom(callback: URL): string {
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`callback without code: ${callback.search}`);
  return code;
}

/** Verifies an ID token against the simulator's JWKS, issuer and the client. */
export async function verifyIdToken(
  sim: Cis2Simulator,
  token: unknown,
  clientId: string,
): Promise<JWTPayload> {
  if (typeof token !== "string") throw new Error("no id_token in the token response");
  const jwks = createRemoteJWKSet(new URL(`${sim.issuer}/connect/jwk_uri`));
  const { payload } = await jwtVerify(token, jwks, {
    issuer: sim.issuer,
    audience: clientId,
    algorithms: ["RS256"],
  });
  return payload;
}

export interface SignedIn {
  tokens: TokenResponse;
  claims: JWTPayload;
  flow: FlowResult;
}

/** The whole journey: browser flow, token exchange, verified ID token claims. */
export async function signInAndExchange(
  sim: Cis2Simulator,
  browser: Browser,
  rp: RelyingParty,
  params: Record<string, string>,
  choice: SignInChoice,
): Promise<SignedIn> {
  const flow = await signIn(browser, rp, params, choice);
  const tokens = await rp.exchange(codeFrom(flow.callback));
  if (tokens.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(tokens.body)}`);
  const claims = await verifyIdToken(sim, tokens.body["id_token"], rp.clientId);
  return { tokens, claims, flow };
}
