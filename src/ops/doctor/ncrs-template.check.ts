/**
 * NCRS: that the host of the deep link (NCRS_LAUNCH_TEMPLATE) answers HTTP at all, with a valid
 * certificate. Only its origin is asked (`GET /`), never the template with a patient in it; any
 * HTTP status counts, since NCRS's own pages need a sign-in. This server reaching it is a proxy for
 * clinicians' browsers reaching it, not a proof.
 */
import { type CheckResult, type DoctorCheck, fail, pass } from "./check.ts";
import { probe } from "./http-probe.ts";

export interface NcrsTemplateCheckOptions {
  readonly template: string;
  readonly timeoutMs: number;
}

const HINT =
  "NCRS_LAUNCH_TEMPLATE must be the deep link NHS England gives in the SCAL for this environment; its host must resolve and answer from this network (check DNS, proxy and the template's host).";

/** The template's origin, its placeholders aside. */
export function templateOrigin(template: string): string | null {
  try {
    return new URL(template.replace(/\{[^}]*\}/g, "x")).origin;
  } catch {
    return null;
  }
}

export function ncrsTemplateCheck(options: NcrsTemplateCheckOptions): DoctorCheck {
  return {
    name: "ncrs-template-host",
    async run(): Promise<CheckResult> {
      const origin = templateOrigin(options.template);
      if (!origin || origin === "null") return fail("NCRS_LAUNCH_TEMPLATE is not an absolute URL", HINT);
      const answer = await probe(`${origin}/`, { timeoutMs: options.timeoutMs });
      if (!answer.ok) return fail(`${origin}: ${answer.problem}`, HINT);
      return pass(`${origin} answered (HTTP ${answer.status})`);
    },
  };
}
