/** Patients to and from their rows: identifiers and state in `patients`, one row per demographic field. */
import type { Selectable } from "kysely";
import type { Confidentiality } from "../patients/national-patient.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import {
  DEMOGRAPHIC_FIELDS,
  type DemographicField,
  type Demographics,
  type Patient,
  type Recorded,
} from "../patients/patient.types.ts";
import type { PatientDemographicsTable, PatientsTable } from "./schema.ts";
import { verificationFromJson } from "./verification-json.ts";

/**
 * The name as searched and sorted: family name, then given names, lower case. Results are listed
 * in this order, as the banner writes names (`SMITH, Jane`); each search term may match any part.
 */
export function searchName(demographics: Demographics): string {
  const name = demographics.name?.value;
  return name ? sortableName(name.family, name.given) : "";
}

export function sortableName(family: string, given: readonly string[]): string {
  return [family, ...given]
    .filter((part) => part.length > 0)
    .join(" ")
    .toLowerCase();
}

export function demographicRows(
  patientId: string,
  demographics: Demographics,
): Selectable<PatientDemographicsTable>[] {
  return DEMOGRAPHIC_FIELDS.flatMap((field) => {
    const recorded = demographics[field] as Recorded<unknown> | null;
    if (!recorded) return [];
    const p = recorded.provenance;
    return [
      {
        patient_id: patientId,
        field,
        value_json: JSON.stringify(recorded.value),
        source: p.source,
        recorded_at: p.recordedAt.getTime(),
        pds_version: p.pdsVersion,
      },
    ];
  });
}

function toDemographics(rows: readonly Selectable<PatientDemographicsTable>[]): Demographics {
  const out: Record<string, Recorded<unknown> | null> = Object.fromEntries(
    DEMOGRAPHIC_FIELDS.map((f) => [f, null]),
  );
  for (const row of rows) {
    out[row.field] = {
      value: JSON.parse(row.value_json),
      provenance: {
        source: row.source as "local" | "pds",
        recordedAt: new Date(row.recorded_at),
        pdsVersion: row.pds_version,
      },
    };
  }
  return out as unknown as Demographics;
}

export function toPatient(
  row: Selectable<PatientsTable>,
  demographics: Selectable<PatientDemographicsTable>[],
  superseded: string[],
): Patient {
  return {
    id: row.id,
    mrn: row.mrn,
    nhsNumber: row.nhs_number
      ? { kind: "valid", value: nhsNumber(row.nhs_number) }
      : row.nhs_number_invalid_text
        ? { kind: "invalid", text: row.nhs_number_invalid_text }
        : { kind: "none" },
    supersededNhsNumbers: superseded.map(nhsNumber),
    demographics: toDemographics(demographics),
    confidentiality: row.confidentiality as Confidentiality,
    verification: verificationFromJson(row.verification_json),
    updatedAt: new Date(row.updated_at),
  };
}

export function emptyDemographics(): Demographics {
  return Object.fromEntries(
    DEMOGRAPHIC_FIELDS.map((f: DemographicField) => [f, null]),
  ) as unknown as Demographics;
}
