/**
 * The authorization endpoint (SMART App Launch 2.x EHR launch; RFC 6749 §4.1 with PKCE, RFC 7636).
 * The EHR user is whoever the browser's EPR session says (the EPR's user select is its sign-in);
 * there is no consent page. An unknown client or a redirect URI that is not registered exactly is
 * told to the person on a page (never a redirect); every other refusal goes back to the app's
 * redirect URI as `error`, `error_description` and `state`.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendPage } from "../app-routes.ts";
import type { EprKit } from "../epr-kit.ts";
import { readForm } from "../http-kit.ts";
import { message } from "../layout.ts";
import type { SmartLaunch } from "./launches.ts";
import type { SmartAppRegistration } from "./registrations.ts";
import { loggedParams } from "./request-log.ts";
import { asV1Reordered, grantScopes, withoutPatientRead } from "./scopes.ts";
import { findApp } from "./smart-kit.ts";

interface Refusal {
  error: string;
  description: string;
}

const refuse = (error: string, description: string): Refusal => ({ error, description });
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const LAUNCH_PROBLEMS: Record<string, string> = {
  unknown: "launch is not one this EHR issued",
  expired: "launch has expired (five minutes)",
  used: "launch has already been used",
  other_client: "launch was issued for another app",
};

function repeated(params: URLSearchParams): string | undefined {
  return [...new Set(params.keys())].find((key) => params.getAll(key).length > 1);
}

/** The checks every request must pass before the launch is looked at, in RFC 6749's order. */
function checkParams(kit: EprKit, params: URLSearchParams): Refusal | undefined {
  const twice = repeated(params);
  if (twice) return refuse("invalid_request", `${twice} is repeated`);
  const responseType = params.get("response_type");
  if (!responseType) return refuse("invalid_request", "response_type is required");
  if (responseType !== "code") return refuse("unsupported_response_type", "response_type must be code");
  if (!params.get("state")) return refuse("invalid_request", "state is required");
  const method = params.get("code_challenge_method");
  if (!params.get("code_challenge") || !method)
    return refuse("invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256");
  if (method !== "S256")
    return refuse("invalid_request", `code_challenge_method ${method} is refused; use S256`);
  if (!CHALLENGE.test(params.get("code_challenge") ?? ""))
    return refuse("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)");
  const aud = params.get("aud");
  if (aud !== kit.smart.urls.iss)
    return refuse("invalid_request", `aud must be this EHR's FHIR base URL, ${kit.smart.urls.iss}`);
  const scopes = (params.get("scope") ?? "").split(" ").filter(Boolean);
  if (!scopes.includes("launch")) return refuse("invalid_scope", "scope must include launch (EHR launch)");
  if (!params.get("launch")) return refuse("invalid_request", "launch is required");
  return undefined;
}

/** The launch, used up, if this browser's EPR session made it for this app. */
function takeLaunch(kit: EprKit, req: IncomingMessage, app: SmartAppRegistration, params: URLSearchParams) {
  const session = kit.sessions.find(req);
  if (!session) return refuse("access_denied", "no EPR user is signed in in this browser");
  const launch = kit.smart.launches.take(params.get("launch") ?? "", app.clientId);
  if (typeof launch === "string") return refuse("invalid_request", LAUNCH_PROBLEMS[launch] ?? launch);
  if (launch.sessionId !== session.id || launch.userSub !== session.userSub)
    return refuse("invalid_request", "launch was made for another EPR session or user");
  return launch;
}

function grantedScopes(kit: EprKit, app: SmartAppRegistration, params: URLSearchParams, launch: SmartLaunch) {
  const granted = grantScopes((params.get("scope") ?? "").split(" "), app.scopes ?? []);
  const scenario = kit.smart.scenario.for(launch);
  if (scenario === "missing_scope") return withoutPatientRead(granted);
  if (scenario === "scopes_reordered_v1") return asV1Reordered(granted);
  return granted;
}

function sendBack(res: ServerResponse, redirectUri: string, fields: Record<string, string>): void {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(fields)) target.searchParams.set(key, value);
  res.writeHead(302, {
    location: target.href,
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
  });
  res.end();
}

type Outcome =
  | { refusal: Refusal; scenario?: string }
  | { code: string; state: string; scope: string; scenario: string };

function decide(
  kit: EprKit,
  req: IncomingMessage,
  app: SmartAppRegistration,
  params: URLSearchParams,
): Outcome {
  const problem = checkParams(kit, params);
  if (problem) return { refusal: problem };
  const launch = takeLaunch(kit, req, app, params);
  if ("error" in launch) return { refusal: launch };
  const scenario = kit.smart.scenario.for(launch);
  if (scenario === "access_denied")
    return { refusal: refuse("access_denied", "the user or the EHR declined (scenario)"), scenario };
  if (scenario === "invalid_scope")
    return { refusal: refuse("invalid_scope", "the EHR refused the requested scope (scenario)"), scenario };
  const scopes = grantedScopes(kit, app, params, launch);
  const nonce = params.get("nonce");
  const code = kit.smart.grants.issueCode({
    clientId: app.clientId,
    launch,
    scopes,
    redirectUri: params.get("redirect_uri") ?? "",
    codeChallenge: params.get("code_challenge") ?? "",
    ...(nonce ? { nonce } : {}),
  });
  const asked = params.get("state") ?? "";
  const state = scenario === "bad_state" ? `${asked}-${randomBytes(6).toString("base64url")}` : asked;
  return { code, state, scope: scopes.join(" "), scenario };
}

function unregistered(app: SmartAppRegistration | undefined, params: URLSearchParams): string | undefined {
  if (!app || params.getAll("client_id").length > 1) return "client_id is not a registered app";
  const uri = params.get("redirect_uri");
  if (!uri || params.getAll("redirect_uri").length > 1 || !app.redirectUris.includes(uri))
    return "redirect_uri is not one registered for this app";
  return undefined;
}

export async function authorize(
  kit: EprKit,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const params = req.method === "POST" ? await readForm(req) : url.searchParams;
  const app = findApp(kit.smart, params.get("client_id"));
  const entry = {
    endpoint: "authorize" as const,
    method: req.method ?? "GET",
    path: url.pathname,
    params: loggedParams(params),
    ...(app ? { clientId: app.clientId } : {}),
  };
  const problem = unregistered(app, params);
  if (problem || !app) {
    kit.smart.requests.add({
      ...entry,
      status: 400,
      error: "invalid_request",
      errorDescription: problem ?? "",
    });
    const page = message(400, "This app cannot be opened", [
      `Riverside EPR refused the app's request: ${problem}.`,
    ]);
    return sendPage(kit, res, page);
  }
  const redirectUri = params.get("redirect_uri") ?? "";
  const outcome = decide(kit, req, app, params);
  if ("refusal" in outcome) {
    const { error, description } = outcome.refusal;
    const state = params.get("state");
    kit.smart.requests.add({
      ...entry,
      status: 302,
      error,
      errorDescription: description,
      ...scenarioOf(outcome),
    });
    return sendBack(res, redirectUri, { error, error_description: description, ...(state ? { state } : {}) });
  }
  kit.smart.requests.add({ ...entry, status: 302, scope: outcome.scope, scenario: outcome.scenario });
  sendBack(res, redirectUri, { code: outcome.code, state: outcome.state });
}

function scenarioOf(outcome: { scenario?: string }): { scenario?: string } {
  return outcome.scenario ? { scenario: outcome.scenario } : {};
}
