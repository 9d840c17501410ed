/**
 * Runs the doctor's checks (all at once, reported in their order) and prints one line per check,
 * with the fix under a failure. A check that throws is reported as a failure of that check, so
 * one broken check never hides the others. The list of checks is built in
 * src/composition/doctor.composition.ts.
 */
import type { CheckResult, DoctorCheck } from "./check.ts";

export interface CheckOutcome extends CheckResult {
  readonly name: string;
}

export interface DoctorReport {
  readonly outcomes: readonly CheckOutcome[];
  /** No check failed (skipped ones do not count). */
  readonly ok: boolean;
}

async function runOne(check: DoctorCheck): Promise<CheckOutcome> {
  try {
    return { name: check.name, ...(await check.run()) };
  } catch (error) {
    const kind = error instanceof Error ? error.name : "error";
    return {
      name: check.name,
      status: "fail",
      detail: `the check itself failed (${kind})`,
      hint: "Run `npm run cli -- doctor` again; if it repeats, the service's log has the error.",
    };
  }
}

export async function runDoctor(checks: readonly DoctorCheck[]): Promise<DoctorReport> {
  const outcomes = await Promise.all(checks.map(runOne));
  return { outcomes, ok: outcomes.every((o) => o.status !== "fail") };
}

const LABEL = { pass: "PASS", fail: "FAIL", skip: "SKIP" } as const;

/** One line per check (`FAIL  pds  …`), the fix indented beneath a failure, and a summary. */
export function formatReport(report: DoctorReport): string {
  const width = Math.max(0, ...report.outcomes.map((o) => o.name.length));
  const lines: string[] = [];
  for (const o of report.outcomes) {
    lines.push(`${LABEL[o.status]}  ${o.name.padEnd(width)}  ${o.detail}`);
    if (o.status === "fail" && o.hint) lines.push(`${" ".repeat(width + 8)}fix: ${o.hint}`);
  }
  const failed = report.outcomes.filter((o) => o.status === "fail").length;
  lines.push(failed === 0 ? "doctor: every configured check passed" : `doctor: ${failed} check(s) failed`);
  return lines.join("\n");
}
