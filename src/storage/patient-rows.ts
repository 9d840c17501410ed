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
import { type NhsNumbersAtRest, supersededRowId } from "./nhs-numbers-at-rest.ts";
import type { PatientDemographicsTable, PatientSupersededNumbersTable, PatientsTable } from "./schema.ts";
import { type SurvivingNumberSealing, verificationFromJson } from "./verification-json.ts";

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
        sent_by: p.sentBy ?? null,
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
        ...(row.sent_by ? { sentBy: row.sent_by } : {}),
      },
    };
  }
  return out as unknown as Demographics;
}

/** How a patient's verification state seals its surviving number, bound to the patient's row. */
export function survivingNumberSealing(atRest: NhsNumbersAtRest, patientId: string): SurvivingNumberSealing {
  return {
    seal: (n) => atRest.seal("patients.verification", patientId, n),
    open: (sealed) => atRest.open("patients.verification", patientId, sealed),
  };
}

function localNhsNumber(row: Selectable<PatientsTable>, atRest: NhsNumbersAtRest): Patient["nhsNumber"] {
  if (row.nhs_number_sealed === null) return { kind: "none" };
  const text = atRest.open("patients.nhs_number", row.id, row.nhs_number_sealed);
  // Only a valid number is indexed: without an index it is the local system's mistyped text.
  return row.nhs_number_index === null
    ? { kind: "invalid", text }
    : { kind: "valid", value: nhsNumber(text) };
}

/** An earlier number of the patient, opened from its row. */
export function supersededNumber(
  row: Selectable<PatientSupersededNumbersTable>,
  atRest: NhsNumbersAtRest,
): string {
  if (row.nhs_number_sealed === null) throw new Error("a superseded NHS number is not yet sealed");
  const rowId = supersededRowId(row.patient_id, row.nhs_number_index);
  return atRest.open("patient_superseded_numbers.nhs_number", rowId, row.nhs_number_sealed);
}

export function toPatient(
  row: Selectable<PatientsTable>,
  demographics: Selectable<PatientDemographicsTable>[],
  superseded: Selectable<PatientSupersededNumbersTable>[],
  atRest: NhsNumbersAtRest,
): Patient {
  return {
    id: row.id,
    mrn: row.mrn,
    nhsNumber: localNhsNumber(row, atRest),
    supersededNhsNumbers: superseded.map((s) => nhsNumber(supersededNumber(s, atRest))),
    demographics: toDemographics(demographics),
    confidentiality: row.confidentiality as Confidentiality,
    verification: verificationFromJson(row.verification_json, survivingNumberSealing(atRest, row.id)),
    updatedAt: new Date(row.updated_at),
  };
}

export function emptyDemographics(): Demographics {
  return Object.fromEntries(
    DEMOGRAPHIC_FIELDS.map((f: DemographicField) => [f, null]),
  ) as unknown as Demographics;
}
