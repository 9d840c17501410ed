/**
 * Local details beside PDS's, field by field, for the verification step. Comparison is lenient
 * about case, spacing and punctuation (PDS writes some names in capitals) but never about content.
 */
import type { NationalPatient, PersonName } from "./national-patient.ts";
import type { Patient } from "./patient.types.ts";
import {
  displayAddress,
  displayDate,
  displayGender,
  displayName,
  displayRestrictable,
  RESTRICTED,
} from "./patient-display.ts";

export type FieldComparison =
  | "same"
  | "different"
  | "only_local"
  | "only_national"
  | "neither"
  | "restricted";

export interface ComparisonRow {
  readonly field: "name" | "birthDate" | "gender" | "address" | "gp";
  readonly label: string;
  readonly local: string;
  readonly national: string;
  readonly comparison: FieldComparison;
  /** Whether a difference here casts doubt on identity (name, date of birth, gender). */
  readonly identifying: boolean;
}

const normalise = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

function compare(local: string | null, national: string | null): FieldComparison {
  if (local === null && national === null) return "neither";
  if (local === null) return "only_national";
  if (national === null) return "only_local";
  return normalise(local) === normalise(national) ? "same" : "different";
}

function nameKey(name: PersonName | null): string | null {
  return name ? `${name.given.join(" ")} ${name.family}` : null;
}

/** Compares the local record with PDS's; location fields of restricted records are never shown. */
export function comparePatient(local: Patient, national: NationalPatient): ComparisonRow[] {
  const d = local.demographics;
  const restricted = national.confidentiality !== "unrestricted" || local.confidentiality !== "unrestricted";
  const addressKey = (a: { lines: readonly string[]; postalCode?: string } | null) =>
    a ? [...a.lines, a.postalCode ?? ""].join(" ") : null;
  return [
    {
      field: "name",
      label: "Name",
      local: displayName(d.name?.value ?? null),
      national: displayName(national.name),
      comparison: compare(nameKey(d.name?.value ?? null), nameKey(national.name)),
      identifying: true,
    },
    {
      field: "birthDate",
      label: "Date of birth",
      local: displayDate(d.birthDate?.value ?? null),
      national: displayDate(national.birthDate),
      comparison: compare(d.birthDate?.value ?? null, national.birthDate),
      identifying: true,
    },
    {
      field: "gender",
      label: "Gender",
      local: displayGender(d.gender?.value ?? null),
      national: displayGender(national.gender),
      comparison: compare(d.gender?.value ?? null, national.gender),
      identifying: true,
    },
    restricted
      ? {
          field: "address",
          label: "Address",
          local: RESTRICTED,
          national: RESTRICTED,
          comparison: "restricted",
          identifying: false,
        }
      : {
          field: "address",
          label: "Address",
          local: displayAddress(d.address?.value ?? null, "unrestricted"),
          national: displayAddress(national.address, "unrestricted"),
          comparison: compare(addressKey(d.address?.value ?? null), addressKey(national.address)),
          identifying: false,
        },
    restricted
      ? {
          field: "gp",
          label: "GP practice (ODS code)",
          local: RESTRICTED,
          national: RESTRICTED,
          comparison: "restricted",
          identifying: false,
        }
      : {
          field: "gp",
          label: "GP practice (ODS code)",
          local: displayRestrictable(d.gpOdsCode?.value ?? null, "unrestricted"),
          national: displayRestrictable(national.gpOdsCode, "unrestricted"),
          comparison: compare(d.gpOdsCode?.value ?? null, national.gpOdsCode),
          identifying: false,
        },
  ];
}

/** The identifying fields (name, date of birth, gender) that differ or are missing on one side. */
export function identityDifferences(rows: readonly ComparisonRow[]): ComparisonRow["field"][] {
  return rows
    .filter((r) => r.identifying && r.comparison !== "same" && r.comparison !== "neither")
    .map((r) => r.field);
}

/** True when a name, date of birth or gender differs (or is missing on one side). */
export function identityDiffers(rows: readonly ComparisonRow[]): boolean {
  return identityDifferences(rows).length > 0;
}
