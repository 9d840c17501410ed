/**
 * The answers the simulator cannot be made to give (odd statuses, gateway pages, Patients of the
 * wrong shape), interpreted as data.
 */
import { describe, expect, it } from "vitest";
import { nhsNumber } from "../../patients/nhs-number.ts";
import { PatientMappingError } from "./fhir-patient.mapper.ts";
import { PdsResponseError } from "./operation-outcome.ts";
import type { PdsHttpResult } from "./pds-http.ts";
import { type AttemptVerdict, interpretAttempt } from "./pds-response.ts";

const REQUESTED = nhsNumber("9991000038");
const NOW = new Date("2025-06-15T10:00:00Z");

function answer(status: number, json: unknown, retryAfter: string | null = null): PdsHttpResult {
  return { kind: "response", status, retryAfter, body: { ok: true, json } };
}

function outcome(code: string) {
  return {
    resourceType: "OperationOutcome",
    issue: [{ severity: "error", code: "processing", details: { coding: [{ code }] } }],
  };
}

function failureOf(verdict: AttemptVerdict) {
  if (verdict.kind !== "failure") throw new Error(`expected a failure, got ${verdict.kind}`);
  return {
    code: verdict.error.code,
    outcome: verdict.outcome,
    retryable: verdict.retryable,
    cause: verdict.error.cause,
  };
}

describe("interpretAttempt", () => {
  it("never reads a 404 without PDS's own code as 'no such patient'", () => {
    const gatewayPage: PdsHttpResult = {
      kind: "response",
      status: 404,
      retryAfter: null,
      body: { ok: false, error: new SyntaxError("Unexpected token '<'") },
    };
    expect(failureOf(interpretAttempt(gatewayPage, REQUESTED, NOW))).toMatchObject({
      code: "pds.bad_response",
      retryable: false,
    });
    expect(failureOf(interpretAttempt(answer(404, outcome("SOMETHING_ELSE")), REQUESTED, NOW)).code).toBe(
      "pds.bad_response",
    );
  });

  it("keeps the OperationOutcome of a 200 that is not a Patient as the cause", () => {
    const body = outcome("TOO_MANY_MATCHES");
    const failure = failureOf(interpretAttempt(answer(200, body), REQUESTED, NOW));
    expect(failure).toMatchObject({ code: "pds.bad_response", cause: body });
  });

  it("turns a Patient of the wrong shape into pds.bad_response, not a crash", () => {
    const wrongShape = { resourceType: "Patient", id: "9991000038", meta: { versionId: "1" }, name: "Iqbal" };
    expect(failureOf(interpretAttempt(answer(200, wrongShape), REQUESTED, NOW)).code).toBe(
      "pds.bad_response",
    );
    const badId = { resourceType: "Patient", id: "1234567890", meta: { versionId: "1" } };
    expect(failureOf(interpretAttempt(answer(200, badId), REQUESTED, NOW)).cause).toBeInstanceOf(
      PatientMappingError,
    );
  });

  it("retries 429 and 5xx, passing Retry-After on; reads 408 as a time-out without retrying", () => {
    const limited = interpretAttempt(answer(429, outcome("TOO_MANY_REQUESTS")), REQUESTED, NOW);
    expect(limited).toMatchObject({
      kind: "failure",
      outcome: "rate_limited",
      retryable: true,
      retryAfter: null,
    });
    const down = interpretAttempt(answer(503, outcome("SERVICE_UNAVAILABLE"), "5"), REQUESTED, NOW);
    expect(down).toMatchObject({ kind: "failure", outcome: "unavailable", retryable: true, retryAfter: "5" });
    expect(
      failureOf(interpretAttempt(answer(408, outcome("UNABLE_TO_CALL_SERVICE")), REQUESTED, NOW)),
    ).toMatchObject({
      code: "pds.timeout",
      retryable: false,
    });
  });

  it("describes a 5xx gateway page without an OperationOutcome", () => {
    const page: PdsHttpResult = {
      kind: "response",
      status: 502,
      retryAfter: null,
      body: { ok: false, error: new SyntaxError("Unexpected token '<'") },
    };
    const failure = failureOf(interpretAttempt(page, REQUESTED, NOW));
    expect(failure).toMatchObject({ code: "pds.unavailable", retryable: true });
    expect(failure.cause).toBeInstanceOf(PdsResponseError);
  });

  it("treats a status PDS does not use for reads as a bad response", () => {
    expect(failureOf(interpretAttempt(answer(302, {}), REQUESTED, NOW)).code).toBe("pds.bad_response");
  });
});
