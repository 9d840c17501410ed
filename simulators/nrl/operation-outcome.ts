/**
 * NRL's error bodies: a FHIR OperationOutcome whose issue carries a Spine code from
 * `https://fhir.nhs.uk/CodeSystem/Spine-ErrorOrWarningCode` (no `/R4`, unlike PDS).
 */
export const SPINE_ERROR_SYSTEM = "https://fhir.nhs.uk/CodeSystem/Spine-ErrorOrWarningCode";

const ISSUE_CODES: Readonly<Record<string, string>> = {
  PRECONDITION_FAILED: "required",
  MISSING_OR_INVALID_HEADER: "required",
  INVALID_PARAMETER: "invalid",
  BAD_REQUEST: "invalid",
  ACCESS_DENIED: "forbidden",
  RESOURCE_NOT_FOUND: "not-found",
  INTERNAL_SERVER_ERROR: "exception",
  SERVICE_UNAVAILABLE: "transient",
  METHOD_NOT_ALLOWED: "not-supported",
};

const DISPLAY: Readonly<Record<string, string>> = {
  PRECONDITION_FAILED: "Precondition failed",
  MISSING_OR_INVALID_HEADER: "There is a required header missing or invalid",
  INVALID_PARAMETER: "Invalid parameter",
  BAD_REQUEST: "Bad request",
  ACCESS_DENIED: "Access has been denied to process this request",
  RESOURCE_NOT_FOUND: "Resource not found",
  INTERNAL_SERVER_ERROR: "Unexpected internal server error",
  SERVICE_UNAVAILABLE: "Service unavailable",
  METHOD_NOT_ALLOWED: "Method not allowed",
};

export function operationOutcome(code: string, diagnostics: string): Record<string, unknown> {
  return {
    resourceType: "OperationOutcome",
    id: crypto.randomUUID(),
    meta: { profile: ["https://fhir.nhs.uk/StructureDefinition/NHSDigital-OperationOutcome"] },
    issue: [
      {
        severity: "error",
        code: ISSUE_CODES[code] ?? "processing",
        details: { coding: [{ system: SPINE_ERROR_SYSTEM, code, display: DISPLAY[code] ?? code }] },
        diagnostics,
      },
    ],
  };
}
