/**
 * PDS: its CapabilityStatement (`GET {PDS_BASE_URL}/metadata`) or, when DOCTOR_PDS_TEST_PATIENT is
 * set, that test patient (`GET /Patient/{id}`), sent as our adapter sends reads (request id,
 * access token), so a wrong base path or a refused token shows before a clinician's first check.
 * The test patient's number is never printed.
 */
import { randomUUID } from "node:crypto";
import type { AccessTokenSource } from "../../national/apim/access-token.ts";
import { isAppError } from "../../platform/errors.ts";
import { type CheckResult, type DoctorCheck, fail, pass } from "./check.ts";
import { printable, probe } from "./http-probe.ts";

export interface PdsCheckOptions {
  readonly baseUrl: string;
  readonly tokens: AccessTokenSource;
  readonly testPatient: string | undefined;
  readonly timeoutMs: number;
}

const BASE_HINT =
  "PDS_BASE_URL must be PDS FHIR R4's base (INT: https://int.api.service.nhs.uk/personal-demographics/FHIR/R4), reachable from this server.";

function statusResult(
  status: number,
  resourceType: unknown,
  what: string,
  testPatient: boolean,
): CheckResult {
  const expected = testPatient ? "Patient" : "CapabilityStatement";
  if (status === 200 && resourceType === expected) return pass(`${what} answered with a ${expected}`);
  if (status === 401 || status === 403)
    return fail(
      `${what} answered HTTP ${status}: our access was refused`,
      "Check PDS_AUTH (application for INT) and that the API platform application has the PDS product; see apim-token.",
    );
  if (status === 404 && testPatient)
    return fail(
      `${what} answered HTTP 404`,
      "DOCTOR_PDS_TEST_PATIENT is not a patient in this PDS: use one of the environment's test patients.",
    );
  return fail(
    `${what} answered HTTP ${status}${status === 200 ? ` with a ${String(resourceType)}` : ""}`,
    BASE_HINT,
  );
}

export function pdsCheck(options: PdsCheckOptions): DoctorCheck {
  return {
    name: "pds",
    async run(): Promise<CheckResult> {
      const base = options.baseUrl.replace(/\/+$/, "");
      const url = options.testPatient ? `${base}/Patient/${options.testPatient}` : `${base}/metadata`;
      const what = options.testPatient
        ? `${printable(base)}/Patient/(DOCTOR_PDS_TEST_PATIENT)`
        : printable(url);
      let token: string | null;
      try {
        token = await options.tokens.token();
      } catch (error) {
        if (!isAppError(error)) throw error;
        return fail(`no access token for PDS (${error.code})`, "Fix apim-token first.");
      }
      const headers: Record<string, string> = {
        accept: "application/fhir+json",
        "x-request-id": randomUUID(),
      };
      if (token !== null) headers["authorization"] = `Bearer ${token}`;
      const answer = await probe(url, { timeoutMs: options.timeoutMs, headers });
      if (!answer.ok) return fail(`${what}: ${answer.problem}`, BASE_HINT);
      const resourceType = (answer.json as { resourceType?: unknown } | null)?.resourceType;
      return statusResult(answer.status, resourceType, what, options.testPatient !== undefined);
    },
  };
}
