/**
 * Verification state to and from its JSON column (dates as ISO strings). A superseded state names
 * the surviving NHS number: that is stored sealed (`survivingNhsNumberSealed`), the rest in clear,
 * so the status can still be read in SQL.
 */
import { nhsNumber } from "../patients/nhs-number.ts";
import type { VerificationState } from "../patients/patient.types.ts";

/** Seals and opens the surviving number for one patient's row. */
export interface SurvivingNumberSealing {
  seal(nhsNumber: string): string;
  open(sealed: string): string;
}

export function verificationToJson(state: VerificationState, sealing: SurvivingNumberSealing): string {
  if (state.status !== "superseded") return JSON.stringify(state);
  const { survivingNhsNumber, ...rest } = state;
  return JSON.stringify({ ...rest, survivingNhsNumberSealed: sealing.seal(survivingNhsNumber) });
}

const date = (value: unknown): Date => new Date(value as string);
const maybeDate = (value: unknown): Date | null => (value ? new Date(value as string) : null);

export function verificationFromJson(json: string, sealing: SurvivingNumberSealing): VerificationState {
  const raw = JSON.parse(json) as Record<string, unknown> & { status: VerificationState["status"] };
  switch (raw.status) {
    case "unverified":
      return {
        status: "unverified",
        reason: (raw["reason"] as string | null) ?? null,
        at: maybeDate(raw["at"]),
        by: (raw["by"] as { userId: string; userName: string } | null) ?? null,
      };
    case "verified":
      return {
        status: "verified",
        by: raw["by"] as { userId: string; userName: string },
        at: date(raw["at"]),
        pdsVersion: raw["pdsVersion"] as string,
      };
    case "needs_reverification": {
      const previous = raw["previous"] as { at: string; pdsVersion: string } | null;
      return {
        status: "needs_reverification",
        reason: "changed",
        at: date(raw["at"]),
        previous: previous ? { at: date(previous.at), pdsVersion: previous.pdsVersion } : null,
      };
    }
    case "superseded":
      return {
        status: "superseded",
        survivingNhsNumber: nhsNumber(sealing.open(raw["survivingNhsNumberSealed"] as string)),
        at: date(raw["at"]),
      };
    case "invalidated":
    case "not_found":
      return { status: raw.status, at: date(raw["at"]) };
  }
}
