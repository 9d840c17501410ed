/**
 * What one HTTP attempt at `GET /Patient/{nhsNumber}` means: a read result, a failure worth
 * retrying, or a failure to report at once — each failure already in our error catalogue with the
 * upstream detail (OperationOutcome, parse error, network error) as its cause.
 */

import { demographicsErrors } from "../../patients/demographics.errors.ts";
import type { DemographicsReadResult } from "../../patients/national-patient.ts";
import type { NhsNumber } from "../../patients/nhs-number.ts";
import { AppError, type ErrorDefinition } from "../../platform/errors.ts";
import { toNationalPatient } from "./fhir-patient.mapper.ts";
import {
  isOperationOutcome,
  isPatient,
  PdsResponseError,
  SPINE_CODES,
  spineErrorCode,
} from "./operation-outcome.ts";
import type { PdsBody, PdsHttpResult } from "./pds-http.ts";

/** How an attempt ended, as reported to `onCall`; never carries an NHS number. */
export type AttemptOutcome =
  | DemographicsReadResult["kind"]
  | "rejected"
  | "access_denied"
  | "rate_limited"
  | "unavailable"
  | "timeout"
  | "network_error"
  | "bad_response";

export type AttemptVerdict =
  | { readonly kind: "result"; readonly outcome: AttemptOutcome; readonly result: DemographicsReadResult }
  | {
      readonly kind: "failure";
      readonly outcome: AttemptOutcome;
      readonly error: AppError;
      /** Worth another attempt (with the same X-Request-ID). */
      readonly retryable: boolean;
      /** The server's Retry-After header, if it sent one. */
      readonly retryAfter: string | null;
    };

function failure(
  outcome: AttemptOutcome,
  definition: ErrorDefinition,
  cause: unknown,
  retry: { retryable: boolean; retryAfter?: string | null } = { retryable: false },
): AttemptVerdict {
  const error = new AppError(definition, { cause });
  return {
    kind: "failure",
    outcome,
    error,
    retryable: retry.retryable,
    retryAfter: retry.retryAfter ?? null,
  };
}

/** Interprets one attempt for the `requested` NHS number; `now` stamps the result. */
export function interpretAttempt(attempt: PdsHttpResult, requested: NhsNumber, now: Date): AttemptVerdict {
  switch (attempt.kind) {
    case "timeout":
      return failure("timeout", demographicsErrors.timeout, attempt.error, { retryable: true });
    case "network":
      return failure("network_error", demographicsErrors.unavailable, attempt.error, { retryable: true });
    case "response":
      return interpretResponse(attempt.status, attempt.body, attempt.retryAfter, requested, now);
  }
}

/** The body's OperationOutcome if it has one, else an error saying what came instead. */
function causeOf(status: number, body: PdsBody): unknown {
  if (!body.ok) return new PdsResponseError(status, "the body is not JSON", body.error);
  return isOperationOutcome(body.json) ? body.json : new PdsResponseError(status, "no OperationOutcome");
}

function interpretResponse(
  status: number,
  body: PdsBody,
  retryAfter: string | null,
  requested: NhsNumber,
  now: Date,
): AttemptVerdict {
  if (status === 200) return interpretPatient(body, requested, now);
  if (status === 404) return interpretNotFound(body, requested, now);
  const cause = causeOf(status, body);
  if (status === 429)
    return failure("rate_limited", demographicsErrors.busy, cause, { retryable: true, retryAfter });
  if (status >= 500)
    return failure("unavailable", demographicsErrors.unavailable, cause, { retryable: true, retryAfter });
  if (status === 401 || status === 403)
    return failure("access_denied", demographicsErrors.access_denied, cause);
  // 408 is PDS's downstream time-out; not retried, as no 4xx but 429 is.
  if (status === 408) return failure("timeout", demographicsErrors.timeout, cause);
  if (status === 400) return failure("rejected", demographicsErrors.rejected, cause);
  return failure(
    "bad_response",
    demographicsErrors.bad_response,
    new PdsResponseError(status, "unexpected status"),
  );
}

function interpretPatient(body: PdsBody, requested: NhsNumber, now: Date): AttemptVerdict {
  if (!body.ok) return failure("bad_response", demographicsErrors.bad_response, body.error);
  if (!isPatient(body.json)) {
    const cause = isOperationOutcome(body.json) ? body.json : new PdsResponseError(200, "not a Patient");
    return failure("bad_response", demographicsErrors.bad_response, cause);
  }
  try {
    const patient = toNationalPatient(body.json, now);
    const result: DemographicsReadResult =
      patient.nhsNumber === requested
        ? { kind: "found", patient, retrievedAt: now }
        : { kind: "superseded", requested, patient, retrievedAt: now };
    return { kind: "result", outcome: result.kind, result };
  } catch (error) {
    // A PatientMappingError, or a field of the wrong JSON type (a TypeError): either way the
    // body is not a Patient we can read.
    return failure("bad_response", demographicsErrors.bad_response, error);
  }
}

/**
 * Only a 404 whose OperationOutcome says so means "no such patient": any other 404 (a wrong base
 * URL, a gateway page) must not be read as the patient not existing.
 */
function interpretNotFound(body: PdsBody, requested: NhsNumber, now: Date): AttemptVerdict {
  const code = body.ok && isOperationOutcome(body.json) ? spineErrorCode(body.json) : undefined;
  if (code === SPINE_CODES.notFound) {
    const result: DemographicsReadResult = { kind: "not_found", requested, retrievedAt: now };
    return { kind: "result", outcome: "not_found", result };
  }
  if (code === SPINE_CODES.invalidated) {
    const result: DemographicsReadResult = { kind: "invalidated", requested, retrievedAt: now };
    return { kind: "result", outcome: "invalidated", result };
  }
  return failure("bad_response", demographicsErrors.bad_response, causeOf(404, body));
}
