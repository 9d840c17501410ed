/**
 * Deciding what a fresh read of PDS means for a local patient (pure): is it newer than what we
 * hold, did anything that identifies the patient change, and which changes matter enough to tell a
 * clinician who has the patient open.
 */
import type { DemographicsReadResult, NationalPatient } from "./national-patient.ts";

/** Changes worth a notification to a clinician with the patient open; routine ones are not listed. */
export type NotableChange =
  | "nhs_number_superseded"
  | "nhs_number_invalidated"
  | "deceased"
  | "verification_needed"
  | "restricted";

export type ChangeDecision =
  | { readonly kind: "stale"; readonly heldVersion: number; readonly readVersion: number }
  | { readonly kind: "apply"; readonly notable: readonly NotableChange[] };

/** PDS versionIds are integers as strings. */
export function versionNumber(versionId: string): number {
  const n = Number(versionId);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

function identityKey(p: NationalPatient | null): string {
  if (!p) return "";
  return JSON.stringify([
    p.name?.given.map((g) => g.toLowerCase()),
    p.name?.family.toLowerCase(),
    p.birthDate,
    p.gender,
  ]);
}

/**
 * What a read found, compared with what we last held (version and snapshot). A read that is not
 * newer than what we hold is stale: applying it could undo a later change that arrived first.
 */
export function decideChange(
  result: DemographicsReadResult,
  held: { version: number | null; snapshot: NationalPatient | null; verified: boolean; deceased: boolean },
): ChangeDecision {
  if (result.kind === "invalidated") return { kind: "apply", notable: ["nhs_number_invalidated"] };
  if (result.kind === "not_found") return { kind: "apply", notable: [] };
  const read = versionNumber(result.patient.versionId);
  if (result.kind === "found" && held.version !== null && read <= held.version)
    return { kind: "stale", heldVersion: held.version, readVersion: read };
  const notable: NotableChange[] = [];
  if (result.kind === "superseded") notable.push("nhs_number_superseded");
  if (result.patient.death && !held.deceased) notable.push("deceased");
  if (result.patient.confidentiality !== "unrestricted" && held.snapshot?.confidentiality === "unrestricted")
    notable.push("restricted");
  if (held.verified && held.snapshot && identityKey(held.snapshot) !== identityKey(result.patient))
    notable.push("verification_needed");
  return { kind: "apply", notable };
}
