/**
 * An EHR's SMART configuration (`{iss}/.well-known/smart-configuration`, SMART App Launch 2.x
 * §Conformance): read with a time limit, checked for what an EHR launch needs, and turned into
 * the authorization server metadata the OAuth library takes.
 */
import type { ServerMetadata } from "openid-client";

export type ConfigurationReading =
  | { readonly ok: true; readonly metadata: ServerMetadata }
  | { readonly ok: false; readonly problem: "discovery_failed" | "discovery_invalid" };

const MAX_BYTES = 256 * 1024;
const ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

export async function readSmartConfiguration(
  iss: string,
  options: { readonly timeoutMs: number; readonly allowHttp: boolean; readonly clientAuth: string },
): Promise<ConfigurationReading> {
  let body: unknown;
  try {
    const response = await fetch(`${iss}/.well-known/smart-configuration`, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) return { ok: false, problem: "discovery_failed" };
    const text = await response.text();
    if (text.length > MAX_BYTES) return { ok: false, problem: "discovery_invalid" };
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: error instanceof SyntaxError ? "discovery_invalid" : "discovery_failed" };
  }
  const metadata = checked(body, options);
  return metadata ? { ok: true, metadata } : { ok: false, problem: "discovery_invalid" };
}

function checked(
  body: unknown,
  options: { readonly allowHttp: boolean; readonly clientAuth: string },
): ServerMetadata | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const doc = body as Record<string, unknown>;
  const url = (value: unknown) => isUrl(value, options.allowHttp);
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((v) => typeof v === "string") : undefined;
  if (!url(doc["authorization_endpoint"]) || !url(doc["token_endpoint"])) return undefined;
  if (!list(doc["code_challenge_methods_supported"])?.includes("S256")) return undefined;
  if (!list(doc["capabilities"])?.includes("launch-ehr")) return undefined;
  const methods = list(doc["token_endpoint_auth_methods_supported"]);
  if (methods && !methods.includes(options.clientAuth)) return undefined;
  if (doc["jwks_uri"] !== undefined && !url(doc["jwks_uri"])) return undefined;
  return {
    // The id_token's issuer; without one, an id_token cannot be checked and is refused.
    issuer: typeof doc["issuer"] === "string" ? doc["issuer"] : "urn:smart:no-issuer",
    authorization_endpoint: doc["authorization_endpoint"] as string,
    token_endpoint: doc["token_endpoint"] as string,
    ...(typeof doc["jwks_uri"] === "string" ? { jwks_uri: doc["jwks_uri"] } : {}),
    code_challenge_methods_supported: ["S256"],
    // SMART's configuration does not list id_token algorithms: any asymmetric one is checked
    // against the EHR's published keys (RS256 is OpenID Connect's default); never HMAC or none.
    id_token_signing_alg_values_supported: ASYMMETRIC,
  };
}

function isUrl(value: unknown, allowHttp: boolean): value is string {
  if (typeof value !== "string") return false;
  try {
    const protocol = new URL(value).protocol;
    return protocol === "https:" || (allowHttp && protocol === "http:");
  } catch {
    return false;
  }
}
