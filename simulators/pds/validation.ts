/**
 * Request checks PDS makes before it looks at any data, in the sandbox's order: X-Request-ID,
 * then Authorization, then the NHS number. Each check returns the Spine error to send, or
 * `undefined` when the request passes, so the route reads as a list of named steps.
 */
import type { IncomingHttpHeaders } from "node:http";
import { isValidNhsNumber } from "./nhs-number.ts";
import type { SpineErrorCode } from "./operation-outcome.ts";

export interface ValidationFailure {
  code: SpineErrorCode;
  diagnostics?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER_TOKEN = /^[A-Za-z0-9]+(_[A-Za-z0-9]+)?$/;

/** A header's single value; Node joins repeated custom headers, so an array only comes from odd clients. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** X-Request-ID is mandatory and must be a UUID: PDS uses it to recognise retries. */
export function checkRequestId(headers: IncomingHttpHeaders): ValidationFailure | undefined {
  const requestId = headerValue(headers, "x-request-id");
  if (requestId === undefined || requestId === "") {
    return {
      code: "MISSING_VALUE",
      diagnostics:
        "Invalid request with error - X-Request-ID header must be supplied to access this resource",
    };
  }
  if (!UUID.test(requestId)) {
    return { code: "INVALID_VALUE", diagnostics: `Invalid value - '${requestId}' in header 'X-Request-ID'` };
  }
  return undefined;
}

/**
 * The sandbox accepts requests without Authorization but rejects a malformed one; `required`
 * switches to the integration/production rule where a token must always be sent.
 */
export function checkAuthorization(
  headers: IncomingHttpHeaders,
  required: boolean,
): ValidationFailure | undefined {
  const authorization = headerValue(headers, "authorization");
  if (authorization === undefined) {
    return required ? { code: "ACCESS_DENIED", diagnostics: "Missing access token" } : undefined;
  }
  const parts = authorization.split(" ");
  if (parts.length !== 2 || parts[0] !== "Bearer")
    return { code: "ACCESS_DENIED", diagnostics: "Missing access token" };
  if (!BEARER_TOKEN.test(parts[1] ?? ""))
    return { code: "ACCESS_DENIED", diagnostics: "Invalid Access Token" };
  return undefined;
}

/**
 * Behind the API platform a well-formed token is not enough: it must be one the platform issued
 * and that has not expired, else 401 ACCESS_DENIED (PDS's answer to a missing, invalid or expired
 * token). Run after `checkAuthorization`, so the header is there and well formed.
 */
export function checkAccessToken(
  headers: IncomingHttpHeaders,
  check: (token: string) => "valid" | "expired" | "unknown",
): ValidationFailure | undefined {
  const token = (headerValue(headers, "authorization") ?? "").slice("Bearer ".length);
  const verdict = check(token);
  if (verdict === "expired") return { code: "ACCESS_DENIED", diagnostics: "Access Token expired" };
  if (verdict === "unknown") return { code: "ACCESS_DENIED", diagnostics: "Invalid Access Token" };
  return undefined;
}

/** The path id must be a ten-digit NHS number with a correct check digit. */
export function checkNhsNumber(id: string): ValidationFailure | undefined {
  return isValidNhsNumber(id) ? undefined : { code: "INVALID_RESOURCE_ID" };
}
