/**
 * Reading PDS's error bodies: FHIR OperationOutcomes whose first issue carries a Spine error code
 * in `details.coding[0].code` (e.g. `RESOURCE_NOT_FOUND`, `INVALIDATED_RESOURCE`).
 */
import type { OperationOutcome, Patient } from "fhir/r4.js";

/** Spine codes that decide an outcome rather than just describe a failure. */
export const SPINE_CODES = {
  notFound: "RESOURCE_NOT_FOUND",
  invalidated: "INVALIDATED_RESOURCE",
} as const;

function hasResourceType(body: unknown, resourceType: string): boolean {
  return (
    typeof body === "object" &&
    body !== null &&
    !Array.isArray(body) &&
    (body as { resourceType?: unknown }).resourceType === resourceType
  );
}

/** True for a JSON object that says it is an OperationOutcome with an issue list. */
export function isOperationOutcome(body: unknown): body is OperationOutcome {
  return hasResourceType(body, "OperationOutcome") && Array.isArray((body as { issue?: unknown }).issue);
}

/** True for a JSON object that says it is a Patient. */
export function isPatient(body: unknown): body is Patient {
  return hasResourceType(body, "Patient");
}

/** The Spine error code of the first issue, if the outcome carries one. */
export function spineErrorCode(outcome: OperationOutcome): string | undefined {
  const code = outcome.issue[0]?.details?.coding?.[0]?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * A PDS response we could not use that carried no OperationOutcome to keep as the cause (an HTML
 * gateway page, an unexpected status): says what came back, without the body.
 */
export class PdsResponseError extends Error {
  readonly status: number;

  constructor(status: number, reason: string, cause?: unknown) {
    super(`PDS answered ${status}: ${reason}`, cause === undefined ? {} : { cause });
    this.name = "PdsResponseError";
    this.status = status;
  }
}
