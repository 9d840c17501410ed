/**
 * What a point-of-care system sent, beside PDS and beside our local record: the same field-by-field
 * comparison the confirmation page shows (patient-comparison.ts), so the API, the page and the
 * audit trail agree on what "differs" means.
 */
import type { HandedOverPatient } from "./fhir-patient.ts";
import type { NationalPatient } from "./national-patient.ts";
import type { Demographics, Patient, Provenance } from "./patient.types.ts";
import { type ComparisonRow, comparePatient, identityDifferences } from "./patient-comparison.ts";

/** One row of the comparison, as the API answers it: `sent` is the system's, `pds` the national. */
export interface SentComparison {
  readonly field: ComparisonRow["field"];
  readonly label: string;
  readonly sent: string;
  readonly pds: string;
  readonly comparison: ComparisonRow["comparison"];
  readonly identifying: boolean;
}

export interface ComparedHandover {
  readonly rows: readonly SentComparison[];
  readonly identityDifferences: readonly string[];
}

const SENT: Provenance = { source: "local", recordedAt: new Date(0), pdsVersion: null };

/** What was sent as local demographics, each with this provenance (a system sends no phone, email, GP or death). */
export function sentDemographics(sent: HandedOverPatient, provenance: Provenance): Demographics {
  const rec = <T>(value: T | null) => (value === null ? null : { value, provenance });
  const d = sent.demographics;
  return {
    name: rec(d.name),
    birthDate: rec(d.birthDate),
    gender: rec(d.gender),
    address: rec(d.address),
    phone: null,
    email: null,
    gpOdsCode: null,
    death: null,
  };
}

/** The sent patient as a local record, to compare with PDS. */
function asLocal(sent: HandedOverPatient): Patient {
  return {
    id: "",
    mrn: sent.systemIdentifier.value,
    nhsNumber: { kind: "valid", value: sent.nhsNumber },
    supersededNhsNumbers: [],
    demographics: sentDemographics(sent, SENT),
    confidentiality: "unrestricted",
    verification: { status: "unverified", reason: null, at: null, by: null },
    updatedAt: new Date(0),
  };
}

/** The sent patient in the national shape, to compare our local record with it. */
function asNational(sent: HandedOverPatient, local: Patient): NationalPatient {
  const d = sent.demographics;
  return {
    nhsNumber: sent.nhsNumber,
    versionId: "",
    nhsNumberVerificationStatus: null,
    confidentiality: local.confidentiality,
    name: d.name,
    birthDate: d.birthDate,
    gender: d.gender,
    address: d.address,
    phone: null,
    email: null,
    // The system sends no GP: that is not a difference.
    gpOdsCode: local.demographics.gpOdsCode?.value ?? null,
    death: null,
  };
}

/** What was sent beside what PDS holds; nothing to compare when PDS gave no record. */
export function compareHandover(sent: HandedOverPatient, national: NationalPatient | null): ComparedHandover {
  if (!national) return { rows: [], identityDifferences: [] };
  const rows = comparePatient(asLocal(sent), national);
  return {
    rows: rows.map((r) => ({
      field: r.field,
      label: r.label,
      sent: r.local,
      pds: r.national,
      comparison: r.comparison,
      identifying: r.identifying,
    })),
    identityDifferences: identityDifferences(rows),
  };
}

/** Fields where what was sent differs from our local record (which is kept as it is). */
export function localDifferences(local: Patient, sent: HandedOverPatient): string[] {
  return comparePatient(local, asNational(sent, local))
    .filter((r) => r.comparison === "different" || r.comparison === "only_national")
    .map((r) => r.field);
}
