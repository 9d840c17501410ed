/**
 * What the EHR publishes about itself: the SMART configuration at `{iss}/.well-known/smart-configuration`
 * (SMART App Launch 2.x §Conformance), the OpenID configuration of its issuer (it offers
 * sso-openid-connect, so an app may verify id_tokens the OpenID way), and a minimal FHIR R4
 * CapabilityStatement at `{iss}/metadata`.
 */
import { SMART_DEFAULT_SCOPES } from "./registrations.ts";
import type { SmartKit } from "./smart-kit.ts";

export const CAPABILITIES = [
  "launch-ehr",
  "client-confidential-asymmetric",
  "client-confidential-symmetric",
  "context-ehr-patient",
  "context-ehr-encounter",
  "sso-openid-connect",
  "permission-v1",
  "permission-v2",
  "permission-patient",
] as const;

export const CLIENT_AUTH_METHODS = ["private_key_jwt", "client_secret_basic"] as const;
export const ASSERTION_ALGS = ["RS384", "ES384"] as const;

function scopesSupported(smart: SmartKit): string[] {
  return [...new Set([...SMART_DEFAULT_SCOPES, ...smart.apps.flatMap((app) => app.scopes ?? [])])];
}

export function smartConfiguration(smart: SmartKit): Record<string, unknown> {
  const { urls } = smart;
  return {
    issuer: urls.issuer,
    jwks_uri: urls.jwks,
    authorization_endpoint: urls.authorize,
    grant_types_supported: ["authorization_code"],
    token_endpoint: urls.token,
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    scopes_supported: scopesSupported(smart),
    response_types_supported: ["code"],
    code_challenge_methods_supported: ["S256"],
    capabilities: [...CAPABILITIES],
  };
}

export function openidConfiguration(smart: SmartKit): Record<string, unknown> {
  const { urls } = smart;
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorize,
    token_endpoint: urls.token,
    jwks_uri: urls.jwks,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: scopesSupported(smart),
    claims_supported: ["iss", "sub", "aud", "exp", "iat", "nonce", "fhirUser"],
    grant_types_supported: ["authorization_code"],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    code_challenge_methods_supported: ["S256"],
  };
}

const READ_ONLY = (type: string) => ({ type, interaction: [{ code: "read" }] });

export function capabilityStatement(smart: SmartKit): Record<string, unknown> {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: "2025-01-01",
    kind: "instance",
    software: { name: "Riverside EPR (simulated)" },
    implementation: { description: "Riverside EPR FHIR API (simulated)", url: smart.urls.iss },
    fhirVersion: "4.0.1",
    format: ["application/fhir+json"],
    rest: [
      {
        mode: "server",
        security: {
          service: [
            {
              coding: [
                {
                  system: "http://terminology.hl7.org/CodeSystem/restful-security-service",
                  code: "SMART-on-FHIR",
                },
              ],
            },
          ],
        },
        resource: ["Patient", "Encounter", "Practitioner"].map(READ_ONLY),
      },
    ],
  };
}
