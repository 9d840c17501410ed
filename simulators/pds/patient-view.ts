/**
 * What PDS lets a caller see of a record. Restricted (`R`) and very restricted (`V`) records never
 * carry location data: no address, telecom or registered GP, and in search results no contacts
 * either. The store keeps the full record so that lifting the restriction brings the data back.
 */
import type { Patient } from "fhir/r4.js";

const HIDDEN_SECURITY_CODES = new Set(["R", "V"]);

/** The record's confidentiality code (`U`, `R`, `V`, …); records without one count as unrestricted. */
export function securityCode(patient: Patient): string {
  return patient.meta?.security?.[0]?.code ?? "U";
}

function withoutLocation(patient: Patient): Patient {
  const { address: _address, telecom: _telecom, generalPractitioner: _gp, ...rest } = patient;
  return rest;
}

/** The body of `GET /Patient/{id}`. */
export function readView(patient: Patient): Patient {
  return HIDDEN_SECURITY_CODES.has(securityCode(patient)) ? withoutLocation(patient) : patient;
}

/** A patient as it appears in a search result entry. */
export function searchView(patient: Patient): Patient {
  if (!HIDDEN_SECURITY_CODES.has(securityCode(patient))) return patient;
  const { contact: _contact, ...rest } = withoutLocation(patient);
  return rest;
}
