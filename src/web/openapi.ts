/**
 * What the generated OpenAPI description shares: its introduction, the ways to call the API
 * (security schemes), the tags, and the error JSON every API route answers with. Each route
 * declares its own request and response schemas beside its handler; openapi.plugin.ts builds the
 * document from those routes, so the description cannot drift from what the routes accept.
 */
import { Type } from "typebox";
import type { ErrorDefinition } from "../platform/errors.ts";
import { platformErrors } from "../platform/platform.errors.ts";

/** Routes under these prefixes are the API; every other route (the pages) stays out of the document. */
export const API_PREFIXES: readonly string[] = ["/api/v1/", "/oauth/"];

export const OPENAPI_PATH = "/api/v1/openapi.json";

export const API_INFO = {
  title: "NCRS Connect API",
  version: "1.0.0",
  description:
    "Open a patient's record in the National Care Records Service (NCRS) for a signed-in user, with the same checks and audit as the \"Open in NCRS\" button. Calls are made either in the user's browser session (session cookie plus the CSRF token from any page, in the `X-CSRF-Token` header) or by a registered point-of-care system acting for the user, with a bearer token from OAuth 2.0's authorization code grant with PKCE (`/oauth/authorize` in the user's browser, then `/oauth/token` with the system's client secret). A token lasts `API_TOKEN_TTL_SECONDS` and stops working when the user's session ends.",
} as const;

export const TAGS = [
  { name: "Patient hand-over", description: "Hand over the patient the user has open in your system" },
  { name: "Launch", description: "Open a patient's record in NCRS" },
  { name: "Authorization", description: "OAuth 2.0 for point-of-care systems acting for a signed-in user" },
  {
    name: "Change events",
    description: "National change events: MNS delivery and the administrators' inbox",
  },
  { name: "Description", description: "This description of the API" },
] as const;

export const SECURITY_SCHEMES = {
  session: {
    type: "apiKey",
    in: "cookie",
    name: "ncrs_session",
    description: "The signed-in user's session (__Host-ncrs_session over https)",
  },
  csrf: {
    type: "apiKey",
    in: "header",
    name: "X-CSRF-Token",
    description: "The CSRF token from any page of the session, required with the cookie on changes",
  },
  pointOfCareSystem: {
    type: "oauth2",
    description:
      "A registered system (API_CLIENTS) acting for the signed-in user, sending `Authorization: Bearer <token>`: confidential client (client_secret_basic or client_secret_post), PKCE S256 required.",
    flows: {
      authorizationCode: {
        authorizationUrl: "/oauth/authorize",
        tokenUrl: "/oauth/token",
        scopes: {
          launch: "Open NCRS for the user's patient (POST /api/v1/launches)",
          "patient-context": "Hand over a patient (POST /api/v1/patient-contexts)",
        },
      },
    },
  },
  clientSecretBasic: {
    type: "http",
    scheme: "basic",
    description: "The registered system's client id and secret (client_secret_basic, RFC 6749 §2.3.1)",
  },
  mnsSignature: {
    type: "apiKey",
    in: "header",
    name: "X-MNS-Signature",
    description:
      "`t=<seconds>,v1=<hex>`: HMAC-SHA256 of the timestamp and the exact body with a shared secret",
  },
} as const;

/** Errors any API route can answer with, whatever it does. */
export const COMMON_ERRORS: readonly ErrorDefinition[] = [platformErrors.internal];

/** The statuses error JSON is sent with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** The error JSON for one status, naming the codes a route answers with at that status. */
export function errorBody(definitions: readonly ErrorDefinition[]) {
  const codes = definitions.map((d) => d.code);
  return Type.Object(
    {
      error: Type.Object(
        {
          code: Type.String({ enum: codes, description: "Stable error code" }),
          message: Type.String({ description: "Safe to show; never reworded once published" }),
          step: Type.Optional(Type.String({ description: "The launch check that failed" })),
        },
        // Errors carry further safe details of their own (AppError.details): none may be lost.
        { additionalProperties: true },
      ),
      correlationId: Type.String({ description: "Quote it to the service desk; it is in every log line" }),
    },
    { description: definitions.map((d) => `${d.code}: ${d.title}`).join(ERROR_SEPARATOR) },
  );
}

const ERROR_SEPARATOR = "; ";

/** The title of each code in an error response's description, as errorBody writes it. */
export function errorTitles(description: string): ReadonlyMap<string, string> {
  const pairs = description.split(ERROR_SEPARATOR).map((part) => /^([a-z_]+\.[a-z_]+): (.+)$/.exec(part));
  return new Map(pairs.every(Boolean) ? pairs.map((m) => [m?.[1] ?? "", m?.[2] ?? ""]) : []);
}

/** Response schemas for the given catalogue errors (and the common ones), one per status. */
export function errorResponses(
  ...definitions: readonly ErrorDefinition[]
): Partial<Record<ErrorStatus, ReturnType<typeof errorBody>>> {
  const byStatus = new Map<number, ErrorDefinition[]>();
  const unique = new Map([...definitions, ...COMMON_ERRORS].map((d) => [d.code, d]));
  for (const d of unique.values()) byStatus.set(d.status, [...(byStatus.get(d.status) ?? []), d]);
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, errorBody(list)]));
}
