/**
 * Client authentication at the token endpoint, exactly as the app is registered: HTTP Basic with
 * its secret (RFC 6749 §2.3.1, both parts form-encoded), or a signed JWT (RFC 7523, SMART's
 * asymmetric profile): iss = sub = client_id, aud = the token endpoint URL, exp at most five
 * minutes ahead, a jti never seen before, signed RS384 or ES384 by a key of the app's JWKS (read
 * from its jwks_uri at each request, so a rotated key is seen at once).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  jwtVerify,
} from "jose";
import { ASSERTION_ALGS } from "./discovery.ts";
import type { SmartAppRegistration } from "./registrations.ts";
import { findApp, type SmartKit } from "./smart-kit.ts";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const MAX_ASSERTION_LIFETIME_S = 300;

export type ClientAuthMethod = "client_secret_basic" | "private_key_jwt" | "client_secret_post" | "none";

export type ClientAuth =
  | { ok: true; app: SmartAppRegistration; method: ClientAuthMethod }
  | { ok: false; method: ClientAuthMethod; clientId?: string; description: string; basic?: boolean };

function methodUsed(req: IncomingMessage, form: URLSearchParams): ClientAuthMethod | "several" {
  const used: ClientAuthMethod[] = [];
  if (/^basic /i.test(req.headers.authorization ?? "")) used.push("client_secret_basic");
  if (form.has("client_assertion")) used.push("private_key_jwt");
  if (form.has("client_secret")) used.push("client_secret_post");
  return used.length > 1 ? "several" : (used[0] ?? "none");
}

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}

const sha256 = (value: string) => createHash("sha256").update(value).digest();

function basicAuth(smart: SmartKit, header: string): ClientAuth {
  const fail = (description: string, clientId?: string): ClientAuth => ({
    ok: false,
    method: "client_secret_basic",
    description,
    basic: true,
    ...(clientId ? { clientId } : {}),
  });
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const id = formDecode(decoded.slice(0, Math.max(colon, 0)));
  const secret = formDecode(decoded.slice(colon + 1));
  if (colon < 0 || id === undefined || secret === undefined) return fail("malformed Basic credentials");
  const app = findApp(smart, id);
  if (!app) return fail("unknown client");
  if (app.auth.method !== "client_secret_basic")
    return fail(`client is registered for ${app.auth.method}`, app.clientId);
  if (!timingSafeEqual(sha256(secret), sha256(app.auth.secret)))
    return fail("wrong client secret", app.clientId);
  return { ok: true, app, method: "client_secret_basic" };
}

async function appKeys(jwksUri: string): Promise<ReturnType<typeof createLocalJWKSet> | string> {
  try {
    const answer = await fetch(jwksUri, { signal: AbortSignal.timeout(5000), redirect: "error" });
    if (!answer.ok) return `the app's JWKS answered ${answer.status}`;
    const body = (await answer.json()) as JSONWebKeySet;
    return createLocalJWKSet(body);
  } catch (error) {
    return `the app's JWKS could not be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function verifyProblem(error: unknown): string {
  if (error instanceof errors.JWKSNoMatchingKey)
    return "no key in the app's JWKS matches the assertion's kid";
  if (error instanceof errors.JWTExpired) return "client assertion has expired";
  if (error instanceof errors.JWTClaimValidationFailed)
    return `client assertion ${error.claim}: ${error.reason}`;
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "client assertion signature does not verify";
  if (error instanceof errors.JOSEAlgNotAllowed)
    return `client assertion alg must be one of ${ASSERTION_ALGS.join(", ")}`;
  return `client assertion refused: ${error instanceof Error ? error.message : String(error)}`;
}

function assertionClient(smart: SmartKit, form: URLSearchParams, assertion: string) {
  try {
    const header = decodeProtectedHeader(assertion);
    const claims = decodeJwt(assertion);
    const app = findApp(smart, typeof claims.iss === "string" ? claims.iss : form.get("client_id"));
    return { header, app };
  } catch {
    return { header: undefined, app: undefined };
  }
}

async function jwtAuth(smart: SmartKit, form: URLSearchParams): Promise<ClientAuth> {
  const assertion = form.get("client_assertion") ?? "";
  const { header, app } = assertionClient(smart, form, assertion);
  const fail = (description: string): ClientAuth => ({
    ok: false,
    method: "private_key_jwt",
    description,
    ...(app ? { clientId: app.clientId } : {}),
  });
  if (form.get("client_assertion_type") !== JWT_BEARER)
    return fail(`client_assertion_type must be ${JWT_BEARER}`);
  if (!header) return fail("client assertion is not a JWT");
  if (!app) return fail("client assertion iss is not a registered client");
  if (app.auth.method !== "private_key_jwt") return fail(`client is registered for ${app.auth.method}`);
  if (!header.kid) return fail("client assertion header has no kid");
  if (!(ASSERTION_ALGS as readonly string[]).includes(header.alg ?? ""))
    return fail(`client assertion alg must be one of ${ASSERTION_ALGS.join(", ")}`);
  const keys = await appKeys(app.auth.jwksUri);
  if (typeof keys === "string") return fail(keys);
  try {
    const { payload } = await jwtVerify(assertion, keys, {
      algorithms: [...ASSERTION_ALGS],
      issuer: app.clientId,
      subject: app.clientId,
      audience: smart.urls.token,
      requiredClaims: ["exp", "jti"],
    });
    const exp = payload.exp ?? 0;
    if (exp > Math.floor(Date.now() / 1000) + MAX_ASSERTION_LIFETIME_S)
      return fail("client assertion exp is more than five minutes ahead");
    if (!smart.grants.firstUseOfAssertion(app.clientId, String(payload.jti), exp))
      return fail("client assertion jti has been used before");
  } catch (error) {
    return fail(verifyProblem(error));
  }
  return { ok: true, app, method: "private_key_jwt" };
}

export async function authenticateClient(smart: SmartKit, req: IncomingMessage, form: URLSearchParams) {
  const method = methodUsed(req, form);
  let result: ClientAuth;
  if (method === "several")
    result = { ok: false, method: "none", description: "use one client authentication method" };
  else if (method === "client_secret_basic") result = basicAuth(smart, req.headers.authorization ?? "");
  else if (method === "private_key_jwt") result = await jwtAuth(smart, form);
  else if (method === "client_secret_post")
    result = {
      ok: false,
      method,
      description: "client_secret_post is not supported; use client_secret_basic",
    };
  else result = { ok: false, method, description: "client authentication is required" };
  const claimed = form.get("client_id");
  if (result.ok && claimed !== null && claimed !== result.app.clientId)
    return {
      ok: false,
      method: result.method,
      clientId: result.app.clientId,
      description: "client_id does not match the authenticated client",
    } satisfies ClientAuth;
  return result;
}
