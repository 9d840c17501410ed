/**
 * What one NRL attempt means: a result, a failure worth retrying (429, 5xx, time-out, network),
 * or a final failure. NRL's 403 "Provided ODS code has no pointers within requesting app" is an
 * answer (nothing this organisation may see), never an outage; credentials refused are 401.
 */

import { AppError, type ErrorDefinition } from "../../platform/errors.ts";
import type { RecordPointer } from "../../records/record-pointer.ts";
import { recordsErrors } from "../../records/records.errors.ts";
import type { NrlHttpResult } from "./nrl-http.ts";
import { PointerMappingError, pointersOfBundle, toRecordPointer } from "./pointer.mapper.ts";

export type NrlAttemptOutcome =
  | "found"
  | "none_for_organisation"
  | "not_found"
  | "rejected"
  | "access_denied"
  | "rate_limited"
  | "unavailable"
  | "timeout"
  | "network_error"
  | "bad_response";

export type NrlAnswer =
  | { readonly kind: "found"; readonly pointers: RecordPointer[]; readonly refused: number }
  | { readonly kind: "pointer"; readonly pointer: RecordPointer }
  | { readonly kind: "none_for_organisation" }
  | { readonly kind: "not_found" };

export type NrlVerdict =
  | { readonly kind: "result"; readonly outcome: NrlAttemptOutcome; readonly answer: NrlAnswer }
  | {
      readonly kind: "failure";
      readonly outcome: NrlAttemptOutcome;
      readonly error: AppError;
      readonly retryable: boolean;
      readonly retryAfter: string | null;
    };

/** The Spine code of an OperationOutcome's first issue, if any. */
export function spineCode(body: unknown): string | undefined {
  const issue = (
    body as { resourceType?: unknown; issue?: { details?: { coding?: { code?: unknown }[] } }[] } | null
  )?.issue?.[0];
  const code = issue?.details?.coding?.[0]?.code;
  return typeof code === "string" ? code : undefined;
}

export class NrlResponseError extends Error {
  readonly status: number;
  constructor(status: number, reason: string, cause?: unknown) {
    super(`NRL answered ${status}: ${reason}`, cause === undefined ? {} : { cause });
    this.name = "NrlResponseError";
    this.status = status;
  }
}

function failure(
  outcome: NrlAttemptOutcome,
  definition: ErrorDefinition,
  cause: unknown,
  retryable: boolean,
  retryAfter: string | null = null,
  status?: number,
): NrlVerdict {
  const code = status === undefined ? undefined : spineCode(cause);
  return {
    kind: "failure",
    outcome,
    error: new AppError(definition, {
      cause,
      ...(status === undefined ? {} : { details: { status, ...(code ? { nrlCode: code } : {}) } }),
    }),
    retryable,
    retryAfter,
  };
}

function success(result: Extract<NrlHttpResult, { kind: "response" }>, read: boolean): NrlVerdict {
  if (!result.body.ok) return failure("bad_response", recordsErrors.bad_response, result.body.error, false);
  if (read) {
    try {
      return {
        kind: "result",
        outcome: "found",
        answer: { kind: "pointer", pointer: toRecordPointer(result.body.json) },
      };
    } catch (error) {
      if (!(error instanceof PointerMappingError)) throw error;
      return failure("bad_response", recordsErrors.bad_response, error, false);
    }
  }
  const mapped = pointersOfBundle(result.body.json);
  if (!mapped)
    return failure(
      "bad_response",
      recordsErrors.bad_response,
      new NrlResponseError(200, "not a Bundle"),
      false,
    );
  return { kind: "result", outcome: "found", answer: { kind: "found", ...mapped } };
}

/** Interprets one attempt of a search (`read: false`) or a read by id (`read: true`). */
export function interpretNrlAttempt(result: NrlHttpResult, read: boolean): NrlVerdict {
  if (result.kind === "timeout") return failure("timeout", recordsErrors.timeout, result.error, true);
  if (result.kind === "network")
    return failure("network_error", recordsErrors.unavailable, result.error, true);
  const { status } = result;
  const body = result.body.ok
    ? result.body.json
    : new NrlResponseError(status, "body is not JSON", result.body.error);
  if (status === 200) return success(result, read);
  if (status === 403)
    return { kind: "result", outcome: "none_for_organisation", answer: { kind: "none_for_organisation" } };
  if (status === 404 && read && spineCode(body) === "RESOURCE_NOT_FOUND")
    return { kind: "result", outcome: "not_found", answer: { kind: "not_found" } };
  if (status === 400) return failure("rejected", recordsErrors.rejected, body, false, null, status);
  if (status === 401) return failure("access_denied", recordsErrors.access_denied, body, false, null, status);
  if (status === 408) return failure("timeout", recordsErrors.timeout, body, false, null, status);
  if (status === 429)
    return failure("rate_limited", recordsErrors.busy, body, true, result.retryAfter, status);
  if (status >= 500)
    return failure("unavailable", recordsErrors.unavailable, body, true, result.retryAfter, status);
  return failure("bad_response", recordsErrors.bad_response, body, false, null, status);
}
