/**
 * Demographic changes the control API can make to a record, standing in for the updates other
 * systems make to PDS (a death registered, a change of GP, a record becoming restricted). Each
 * change is applied to the FHIR shape the way PDS would present it.
 */
import type { Extension, Patient } from "fhir/r4.js";
import { z } from "zod";

const DEATH_NOTIFICATION_URL =
  "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus";
const CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
const ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";

/** Body of `PATCH /_sim/patients/{nhs}`; `null` removes a value where that makes sense. */
export const patientChangeSchema = z.strictObject({
  family: z.string().trim().min(1).max(35).optional(),
  given: z
    .union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)])
    .transform((value) => (typeof value === "string" ? [value] : value))
    .optional(),
  birthDate: z.iso.date().optional(),
  gender: z.enum(["male", "female", "other", "unknown"]).optional(),
  gp: z
    .string()
    .regex(/^[A-Z0-9]{3,10}$/, "an ODS code: 3 to 10 capital letters or digits")
    .nullable()
    .optional(),
  deceasedDateTime: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .nullable()
    .optional(),
  security: z.enum(["U", "R"]).optional(),
  address: z
    .strictObject({ line: z.array(z.string().min(1)).min(1), postalCode: z.string().min(1) })
    .nullable()
    .optional(),
});

export type PatientChange = z.output<typeof patientChangeSchema>;

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function changeName(patient: Patient, change: PatientChange): void {
  if (change.family === undefined && change.given === undefined) return;
  const names = patient.name ?? [];
  let usual = names.find((name) => name.use === "usual");
  if (!usual) {
    usual = { use: "usual" };
    names.unshift(usual);
  }
  if (change.family !== undefined) usual.family = change.family;
  if (change.given !== undefined) usual.given = change.given;
  patient.name = names;
}

function deathNotification(effective: string): Extension {
  return {
    url: DEATH_NOTIFICATION_URL,
    extension: [
      {
        url: "deathNotificationStatus",
        valueCodeableConcept: {
          coding: [
            {
              system: "https://fhir.hl7.org.uk/CodeSystem/UKCore-DeathNotificationStatus",
              version: "1.0.0",
              code: "2",
              display: "Formal - death notice received from Registrar of Deaths",
            },
          ],
        },
      },
      { url: "systemEffectiveDate", valueDateTime: effective },
    ],
  };
}

/** A death recorded on PDS comes with its notification status; removing it clears both. */
function changeDeath(patient: Patient, deceased: string | null, now: Date): void {
  const others = (patient.extension ?? []).filter((extension) => extension.url !== DEATH_NOTIFICATION_URL);
  if (deceased === null) {
    delete patient.deceasedDateTime;
    if (others.length > 0) patient.extension = others;
    else delete patient.extension;
    return;
  }
  patient.deceasedDateTime = deceased;
  patient.extension = [...others, deathNotification(now.toISOString())];
}

function changeGp(patient: Patient, ods: string | null, now: Date): void {
  if (ods === null) {
    delete patient.generalPractitioner;
    return;
  }
  const identifier = { system: ODS_SYSTEM, value: ods, period: { start: today(now) } };
  patient.generalPractitioner = [{ id: `GP${ods}`, type: "Organization", identifier }];
}

function changeAddress(patient: Patient, address: PatientChange["address"], now: Date): void {
  if (address === undefined) return;
  const others = (patient.address ?? []).filter((entry) => entry.use !== "home");
  if (address === null) {
    if (others.length > 0) patient.address = others;
    else delete patient.address;
    return;
  }
  const home = {
    id: `H${today(now).replaceAll("-", "")}`,
    use: "home" as const,
    period: { start: today(now) },
  };
  patient.address = [{ ...home, line: address.line, postalCode: address.postalCode }, ...others];
}

function changeSecurity(patient: Patient, code: "U" | "R"): void {
  const display = code === "U" ? "unrestricted" : "restricted";
  patient.meta = { ...patient.meta, security: [{ system: CONFIDENTIALITY_SYSTEM, code, display }] };
}

/** Applies a validated change to `patient` in place (the store bumps the version). */
export function applyPatientChange(patient: Patient, change: PatientChange, now: Date): void {
  changeName(patient, change);
  if (change.birthDate !== undefined) patient.birthDate = change.birthDate;
  if (change.gender !== undefined) patient.gender = change.gender;
  if (change.gp !== undefined) changeGp(patient, change.gp, now);
  if (change.deceasedDateTime !== undefined) changeDeath(patient, change.deceasedDateTime, now);
  if (change.security !== undefined) changeSecurity(patient, change.security);
  changeAddress(patient, change.address, now);
}
