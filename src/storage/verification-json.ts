/** Verification state to and from its JSON column (dates as ISO strings). */
import { nhsNumber } from "../patients/nhs-number.ts";
import type { VerificationState } from "../patients/patient.types.ts";

export function verificationToJson(state: VerificationState): string {
  return JSON.stringify(state);
}

const date = (value: unknown): Date => new Date(value as string);
const maybeDate = (value: unknown): Date | null => (value ? new Date(value as string) : null);

export function verificationFromJson(json: string): VerificationState {
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
        survivingNhsNumber: nhsNumber(raw["survivingNhsNumber"] as string),
        at: date(raw["at"]),
      };
    case "invalidated":
    case "not_found":
      return { status: raw.status, at: date(raw["at"]) };
  }
}
