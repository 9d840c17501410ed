/**
 * One check of the doctor: a name, and a run that returns a result value (it never throws for
 * what it checks). A failure carries the fix, in terms of the settings to change. Details and
 * fixes must never carry a secret, a token or an NHS number: they are printed and logged.
 */

export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
  readonly status: CheckStatus;
  /** What was found, e.g. "issuer matches; 3 signing keys". */
  readonly detail: string;
  /** For a failure: what to change. */
  readonly hint?: string;
}

export interface DoctorCheck {
  /** Stable, short, kebab-case: also the `check` label of `ncrs_doctor_check_ok`. */
  readonly name: string;
  run(): Promise<CheckResult>;
}

export const pass = (detail: string): CheckResult => ({ status: "pass", detail });
export const skip = (detail: string): CheckResult => ({ status: "skip", detail });
export const fail = (detail: string, hint: string): CheckResult => ({ status: "fail", detail, hint });
