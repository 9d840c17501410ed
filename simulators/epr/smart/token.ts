/**
 * The token endpoint (RFC 6749 §4.1.3, SMART App Launch 2.x): authenticates the client as
 * registered, then trades a code once, for the client it was issued to, with the redirect URI it
 * was issued for and the PKCE verifier of its challenge. The answer carries the launch context
 * (`patient`, `encounter`, `need_patient_banner`) and, when `openid` was granted, an id_token whose
 * `fhirUser` is the EHR user's Practitioner.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EprKit } from "../epr-kit.ts";
import { HttpError, readForm } from "../http-kit.ts";
import { authenticateClient } from "./client-auth.ts";
import { ACCESS_TOKEN_LIFETIME_S, type AuthorizationCode } from "./grants.ts";
import { loggedParams, type SmartRequest } from "./request-log.ts";
import type { SmartKit } from "./smart-kit.ts";

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const ID_TOKEN_LIFETIME_S = 300;

type Entry = Omit<SmartRequest, "at" | "status">;

function sendToken(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    pragma: "no-cache",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function oauthError(
  kit: EprKit,
  res: ServerResponse,
  entry: Entry,
  status: number,
  error: string,
  description: string,
  headers?: Record<string, string>,
) {
  kit.smart.requests.add({ ...entry, status, error, errorDescription: description });
  sendToken(res, status, { error, error_description: description }, headers);
}

function pkceMatches(verifier: string | null, challenge: string): boolean {
  if (!verifier || !VERIFIER.test(verifier)) return false;
  return createHash("sha256").update(verifier).digest("base64url") === challenge;
}

/** Why the code cannot be traded, if it cannot. */
function codeProblem(
  kit: EprKit,
  code: AuthorizationCode | undefined,
  clientId: string,
  form: URLSearchParams,
) {
  if (!code) return "code is not one this EHR issued";
  if (code.clientId !== clientId) return "code was issued to another client";
  if (!kit.smart.grants.useCode(code)) return "code has already been used (its token is revoked)";
  if (code.expiresAt <= Date.now()) return "code has expired";
  if (code.redirectUri !== form.get("redirect_uri"))
    return "redirect_uri differs from the authorization request's";
  if (!pkceMatches(form.get("code_verifier"), code.codeChallenge))
    return "code_verifier does not match code_challenge";
  return undefined;
}

async function idToken(smart: SmartKit, code: AuthorizationCode, forged: boolean): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const sub = code.launch.userSub;
  const claims: Record<string, unknown> = {
    iss: smart.urls.issuer,
    sub,
    aud: code.clientId,
    iat: now,
    exp: now + ID_TOKEN_LIFETIME_S,
    ...(code.scopes.includes("fhirUser") ? { fhirUser: `${smart.urls.iss}/Practitioner/${sub}` } : {}),
    ...(code.nonce ? { nonce: code.nonce } : {}),
  };
  return smart.keys.sign(claims, forged);
}

async function tokenResponse(kit: EprKit, code: AuthorizationCode): Promise<Record<string, unknown>> {
  const scenario = kit.smart.scenario.for(code.launch);
  const { launch, scopes } = code;
  const accessToken = kit.smart.grants.issueToken(code, {
    clientId: code.clientId,
    launch,
    scopes,
    ...(code.nonce ? { nonce: code.nonce } : {}),
  });
  return {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    scope: scopes.join(" "),
    ...(scopes.includes("openid")
      ? { id_token: await idToken(kit.smart, code, scenario === "bad_id_token") }
      : {}),
    ...(scenario === "no_patient" ? {} : { patient: launch.patient }),
    ...(launch.encounter ? { encounter: launch.encounter } : {}),
    need_patient_banner: true,
  };
}

async function tokenForm(req: IncomingMessage): Promise<URLSearchParams | string> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    return "the body must be application/x-www-form-urlencoded";
  try {
    return await readForm(req);
  } catch (error) {
    return error instanceof HttpError ? error.message : "the body could not be read";
  }
}

export async function token(kit: EprKit, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const entry: Entry = { endpoint: "token", method: req.method ?? "", path: url.pathname };
  if (req.method !== "POST")
    return oauthError(kit, res, entry, 405, "invalid_request", "use POST", { allow: "POST" });
  const form = await tokenForm(req);
  if (typeof form === "string") return oauthError(kit, res, entry, 400, "invalid_request", form);
  entry.params = loggedParams(form);
  const auth = await authenticateClient(kit.smart, req, form);
  entry.clientAuth = auth.method;
  const clientId = auth.ok ? auth.app.clientId : auth.clientId;
  if (clientId) entry.clientId = clientId;
  if (!auth.ok)
    return oauthError(
      kit,
      res,
      entry,
      401,
      "invalid_client",
      auth.description,
      auth.basic ? { "www-authenticate": 'Basic realm="Riverside EPR"' } : {},
    );
  if (form.get("grant_type") !== "authorization_code")
    return oauthError(
      kit,
      res,
      entry,
      400,
      "unsupported_grant_type",
      "grant_type must be authorization_code",
    );
  const code = kit.smart.grants.findCode(form.get("code") ?? "");
  const scenario = kit.smart.scenario.for(code?.launch);
  entry.scenario = scenario;
  if (
    code &&
    scenario === "token_error" &&
    code.clientId === auth.app.clientId &&
    kit.smart.grants.useCode(code)
  )
    return oauthError(kit, res, entry, 400, "invalid_grant", "the EHR refused the code (scenario)");
  const problem = codeProblem(kit, code, auth.app.clientId, form);
  if (problem || !code) return oauthError(kit, res, entry, 400, "invalid_grant", problem ?? "");
  const body = await tokenResponse(kit, code);
  kit.smart.requests.add({ ...entry, status: 200, scope: String(body["scope"]) });
  sendToken(res, 200, body);
}
