/**
 * The FHIR R4 resources the EHR serves to launched apps: the Patient (id = MRN, the same Patient
 * the EPR hands over), the launch's Encounter (an outpatient attendance in progress), and the EHR
 * user as a Practitioner (id = the CIS2 user id, also its SDS user id identifier).
 */
import { type EprPatient, fhirPatient } from "../patients.ts";
import type { EprUser } from "../users.ts";

export const SDS_USER_ID_SYSTEM = "https://fhir.nhs.uk/Id/sds-user-id";

export function encounterId(mrn: string): string {
  return `enc-${mrn}`;
}

export function patientResource(patient: EprPatient): Record<string, unknown> {
  const { resourceType, ...rest } = fhirPatient(patient);
  return { resourceType, id: patient.mrn, ...rest };
}

export function encounterResource(patient: EprPatient): Record<string, unknown> {
  return {
    resourceType: "Encounter",
    id: encounterId(patient.mrn),
    status: "in-progress",
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB", display: "ambulatory" },
    subject: { reference: `Patient/${patient.mrn}` },
  };
}

export function practitionerResource(user: EprUser): Record<string, unknown> {
  return {
    resourceType: "Practitioner",
    id: user.sub,
    identifier: [{ system: SDS_USER_ID_SYSTEM, value: user.sub }],
    name: [{ family: user.family, given: [...user.given], text: user.name }],
  };
}

export function operationOutcome(code: string, diagnostics: string): Record<string, unknown> {
  return { resourceType: "OperationOutcome", issue: [{ severity: "error", code, diagnostics }] };
}
