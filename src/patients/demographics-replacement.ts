/**
 * "Also replace the local details with PDS's": what replacing would do, field by field, and the
 * demographics it leaves. Replacing takes each value PDS holds; it never erases a local value PDS
 * has nothing for (PDS leaving a field out is not PDS saying it is empty). The one exception is
 * the location data of a restricted record, which is never kept, by PDS's rules, and is already
 * gone from the local record once PDS has said the record is restricted.
 */
import type { NationalPatient } from "./national-patient.ts";
import {
  type DemographicField,
  type Demographics,
  LOCATION_FIELDS,
  type Patient,
  type Provenance,
} from "./patient.types.ts";
import {
  displayAddress,
  displayDate,
  displayDeath,
  displayGender,
  displayName,
  NOT_RECORDED,
  RESTRICTED,
} from "./patient-display.ts";

/**
 * same: both hold the same; replaced: PDS's value takes the local one's place; added: only PDS
 * holds one; kept: only the local record holds one, and keeps it; neither: nobody holds one;
 * withheld: location data of a restricted record, kept by nobody.
 */
export type ReplacementChange = "same" | "replaced" | "added" | "kept" | "neither" | "withheld";

export interface ReplacementRow {
  readonly field: DemographicField;
  readonly label: string;
  readonly local: string;
  readonly national: string;
  readonly change: ReplacementChange;
}

export interface Replacement {
  readonly demographics: Demographics;
  readonly rows: readonly ReplacementRow[];
}

const LABELS: Readonly<Record<DemographicField, string>> = {
  name: "Name",
  birthDate: "Date of birth",
  gender: "Gender",
  address: "Address",
  phone: "Phone",
  email: "Email",
  gpOdsCode: "GP practice (ODS code)",
  death: "Date of death",
};

type Values = { readonly [K in DemographicField]: NonNullable<Demographics[K]>["value"] | null };

function nationalValues(national: NationalPatient): Values {
  return {
    name: national.name,
    birthDate: national.birthDate,
    gender: national.gender,
    address: national.address,
    phone: national.phone,
    email: national.email,
    gpOdsCode: national.gpOdsCode,
    death: national.death,
  };
}

function display(field: DemographicField, value: Values[DemographicField]): string {
  if (value === null) return NOT_RECORDED;
  switch (field) {
    case "name":
      return displayName(value as Values["name"]);
    case "birthDate":
      return displayDate(value as string);
    case "gender":
      return displayGender(value as Values["gender"]);
    case "address":
      return displayAddress(value as Values["address"], "unrestricted");
    case "death":
      return displayDeath(value as Values["death"]);
    default:
      return value as string;
  }
}

const normalise = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

function changeOf(local: string | null, national: string | null): ReplacementChange {
  if (local === null && national === null) return "neither";
  if (national === null) return "kept";
  if (local === null) return "added";
  return normalise(local) === normalise(national) ? "same" : "replaced";
}

/** What replacing the local details of `local` with PDS's `national` would do, and the result. */
export function replacementOf(local: Patient, national: NationalPatient, at: Date): Replacement {
  const provenance: Provenance = { source: "pds", recordedAt: at, pdsVersion: national.versionId };
  const restricted = national.confidentiality !== "unrestricted";
  const from = nationalValues(national);
  const demographics: Record<string, unknown> = {};
  const rows: ReplacementRow[] = [];
  for (const field of Object.keys(LABELS) as DemographicField[]) {
    const label = LABELS[field];
    if (restricted && LOCATION_FIELDS.includes(field)) {
      demographics[field] = null;
      rows.push({ field, label, local: RESTRICTED, national: RESTRICTED, change: "withheld" });
      continue;
    }
    const kept = local.demographics[field];
    const value = from[field];
    demographics[field] = value === null ? kept : { value, provenance };
    const localText = kept ? display(field, kept.value) : null;
    const nationalText = value === null ? null : display(field, value);
    rows.push({
      field,
      label,
      local: localText ?? NOT_RECORDED,
      national: nationalText ?? NOT_RECORDED,
      change: changeOf(localText, nationalText),
    });
  }
  return { demographics: demographics as unknown as Demographics, rows };
}

/**
 * Whether PDS's record holds enough to confirm it is this patient: a name, a date of birth and a
 * gender. A record without them (poor data quality at PDS) can be neither matched nor copied.
 */
export function confirmable(national: NationalPatient): boolean {
  return national.name !== null && national.birthDate !== null && national.gender !== null;
}
