/**
 * Spine error responses. Bodies come from the sandbox's canned OperationOutcome files so the
 * simulator answers with the same shapes PDS does; the few codes the sandbox never returns (rate
 * limiting, time-outs, catch-all) are written here following the live proxy's error policies.
 */
import type { OperationOutcome } from "fhir/r4.js";

export const SPINE_ERROR_SYSTEM = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode";

/** HTTP status PDS uses for each Spine error code the simulator can return. */
export const SPINE_ERROR_STATUS = {
  MISSING_VALUE: 400,
  INVALID_VALUE: 400,
  INVALID_RESOURCE_ID: 400,
  INVALID_SEARCH_DATA: 400,
  ADDITIONAL_PROPERTIES: 400,
  UNSUPPORTED_SERVICE: 400,
  ACCESS_DENIED: 401,
  RESOURCE_NOT_FOUND: 404,
  INVALIDATED_RESOURCE: 404,
  TOO_MANY_REQUESTS: 429,
  UNKNOWN_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type SpineErrorCode = keyof typeof SPINE_ERROR_STATUS;

export interface SpineErrorResponse {
  status: number;
  body: OperationOutcome;
}

/** Builds the response for a Spine error code, with optional `diagnostics` text. */
export type SpineErrorFactory = (code: SpineErrorCode, diagnostics?: string) => SpineErrorResponse;

/** Codes absent from the sandbox error files; issue codes, displays and texts follow the live proxy. */
const BUILT_IN: Record<
  string,
  { issueCode: OperationOutcome["issue"][number]["code"]; display: string; diagnostics: string }
> = {
  TOO_MANY_REQUESTS: {
    issueCode: "value",
    display: "Too many requests",
    diagnostics:
      "Your application has created a spike in traffic and is being rate limited. Please reduce the frequency of your requests.",
  },
  SERVICE_UNAVAILABLE: {
    issueCode: "timeout",
    display: "Service unavailable",
    diagnostics:
      "The downstream domain processing has not completed within the configured timeout period. Using the same 'X-Request-ID' header, retry your request after the time specified by the 'Retry-After' response header.",
  },
  UNKNOWN_ERROR: {
    issueCode: "unknown",
    display: "Unknown Error",
    diagnostics: "An unexpected error occurred.",
  },
};

/** Some sandbox templates carry Karate placeholders for the display; these are the texts it fills in. */
const DISPLAY_FOR_PLACEHOLDER: Record<string, string> = {
  ACCESS_DENIED: "Access Denied - Unauthorised",
};

const PLACEHOLDER = /^#\(.*\)$/;

function builtInOutcome(code: string): OperationOutcome | undefined {
  const known = BUILT_IN[code];
  if (!known) return undefined;
  return {
    resourceType: "OperationOutcome",
    issue: [
      {
        severity: "error",
        code: known.issueCode,
        details: { coding: [{ system: SPINE_ERROR_SYSTEM, version: "1", code, display: known.display }] },
        diagnostics: known.diagnostics,
      },
    ],
  };
}

/** Replaces the sandbox's Karate placeholders: diagnostics from the caller, displays from our table. */
function fillTemplate(
  template: OperationOutcome,
  code: string,
  diagnostics: string | undefined,
): OperationOutcome {
  const outcome = structuredClone(template);
  for (const issue of outcome.issue) {
    for (const coding of issue.details?.coding ?? []) {
      if (coding.display !== undefined && PLACEHOLDER.test(coding.display)) {
        coding.display = DISPLAY_FOR_PLACEHOLDER[code] ?? code;
      }
    }
    if (diagnostics !== undefined) issue.diagnostics = diagnostics;
    else if (issue.diagnostics !== undefined && PLACEHOLDER.test(issue.diagnostics)) delete issue.diagnostics;
  }
  return outcome;
}

/**
 * Creates the error factory from the sandbox templates (keyed by Spine code). Fails at start-up,
 * not mid-test, when a code the simulator needs has no template.
 */
export function createSpineErrors(templates: ReadonlyMap<string, OperationOutcome>): SpineErrorFactory {
  const resolved = new Map<string, OperationOutcome>();
  for (const code of Object.keys(SPINE_ERROR_STATUS)) {
    const template = templates.get(code) ?? builtInOutcome(code);
    if (!template) throw new Error(`No OperationOutcome template for Spine error ${code}`);
    resolved.set(code, template);
  }
  return (code, diagnostics) => {
    const template = resolved.get(code);
    if (!template) throw new Error(`Unknown Spine error ${code}`);
    return { status: SPINE_ERROR_STATUS[code], body: fillTemplate(template, code, diagnostics) };
  };
}

/** The 200 answer PDS gives when a search matches more patients than `_max-results` allows. */
export function tooManyMatchesOutcome(): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    issue: [
      {
        severity: "information",
        code: "multiple-matches",
        details: {
          coding: [
            {
              system: SPINE_ERROR_SYSTEM,
              version: "1",
              code: "TOO_MANY_MATCHES",
              display: "Too Many Matches",
            },
          ],
        },
      },
    ],
  };
}
