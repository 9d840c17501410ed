/**
 * Patient details as pages show them: the banner (name, NHS number 3 3 4, born and age, gender,
 * verification, flags) and the details with where each came from. No domain rules here: the
 * domain says what is true; this says how it reads.
 */
import { formatNhsNumber } from "../patients/nhs-number.ts";
import { effectiveVerification, type Patient, type Provenance } from "../patients/patient.types.ts";
import {
  ageOn,
  displayAddress,
  displayDate,
  displayDeath,
  displayGender,
  displayName,
  displayNhsNumber,
  displayRestrictable,
  ukToday,
} from "../patients/patient-display.ts";
import { formatDateTime } from "./view-engine.ts";

export interface Tag {
  readonly text: string;
  readonly colour: "green" | "grey" | "yellow" | "orange" | "red" | "purple" | "blue" | "white";
  readonly detail: string | null;
}

export interface Banner {
  readonly name: string;
  readonly nhsNumber: string;
  readonly born: string;
  readonly gender: string;
  readonly verification: Tag;
  readonly flags: readonly Tag[];
}

function verificationTag(patient: Patient, now: Date, staleAfterSeconds: number): Tag {
  if (patient.nhsNumber.kind !== "valid")
    return {
      text: "No valid NHS number",
      colour: "red",
      detail: "Correct or trace the NHS number in the local record.",
    };
  const v = effectiveVerification(patient.verification, now, staleAfterSeconds);
  switch (v.status) {
    case "verified":
      return {
        text: "Verified with PDS",
        colour: "green",
        detail: `By ${v.by.userName}, ${formatDateTime(v.at)} (PDS version ${v.pdsVersion})`,
      };
    case "stale":
      return {
        text: "Check again with PDS",
        colour: "yellow",
        detail: `Last verified ${formatDateTime(v.verifiedAt)}, too long ago to rely on.`,
      };
    case "needs_reverification":
      return {
        text: "Check again with PDS",
        colour: "yellow",
        detail: "PDS has reported a change to this patient's record.",
      };
    case "superseded":
      return {
        text: "NHS number replaced",
        colour: "orange",
        detail: `PDS now holds this patient under ${formatNhsNumber(v.survivingNhsNumber)}.`,
      };
    case "invalidated":
      return {
        text: "NHS number not valid at PDS",
        colour: "red",
        detail: "PDS says this NHS number has been invalidated. Do not use it.",
      };
    case "not_found":
      return { text: "Not found at PDS", colour: "red", detail: "PDS has no record with this NHS number." };
    case "unverified":
      return {
        text: "Not verified",
        colour: "grey",
        detail: v.reason ? `Details did not match: ${v.reason}` : "Not yet checked with PDS.",
      };
  }
}

export function bannerOf(patient: Patient, now: Date, staleAfterSeconds: number): Banner {
  const d = patient.demographics;
  const birthDate = d.birthDate?.value ?? null;
  const age = ageOn(birthDate, ukToday(now));
  const flags: Tag[] = [];
  if (patient.confidentiality !== "unrestricted")
    flags.push({
      text: "Restricted record",
      colour: "purple",
      detail: "Address, phone, email and GP are not shown.",
    });
  if (d.death)
    flags.push({
      text: `Deceased ${displayDate(d.death.value.dateTime)}`,
      colour: "white",
      detail: displayDeath(d.death.value),
    });
  return {
    name: displayName(d.name?.value ?? null),
    nhsNumber: displayNhsNumber(patient.nhsNumber),
    born: birthDate
      ? `${displayDate(birthDate)}${age === undefined ? "" : ` (${age} years)`}`
      : "Not recorded",
    gender: displayGender(d.gender?.value ?? null),
    verification: verificationTag(patient, now, staleAfterSeconds),
    flags,
  };
}

function source(p: Provenance | undefined): string {
  if (!p) return "";
  return p.source === "pds"
    ? `From PDS${p.pdsVersion ? ` (version ${p.pdsVersion})` : ""}, ${formatDateTime(p.recordedAt)}`
    : p.sentBy
      ? `Sent by ${p.sentBy}, ${formatDateTime(p.recordedAt)}`
      : "Local record";
}

/** Summary-list rows of the patient's details, each with its source. */
export function detailRows(patient: Patient) {
  const d = patient.demographics;
  const c = patient.confidentiality;
  const row = (key: string, value: string, p?: Provenance) => ({
    key: { text: key },
    value: { text: value },
    actions: { items: [] },
    source: source(p),
  });
  return [
    row("Hospital number (MRN)", patient.mrn),
    row("NHS number", displayNhsNumber(patient.nhsNumber)),
    ...(patient.supersededNhsNumbers.length > 0
      ? [row("Previous NHS numbers", patient.supersededNhsNumbers.map(formatNhsNumber).join(", "))]
      : []),
    row("Name", displayName(d.name?.value ?? null), d.name?.provenance),
    row("Date of birth", displayDate(d.birthDate?.value ?? null), d.birthDate?.provenance),
    row("Gender", displayGender(d.gender?.value ?? null), d.gender?.provenance),
    row("Address", displayAddress(d.address?.value ?? null, c), d.address?.provenance),
    row("Phone", displayRestrictable(d.phone?.value ?? null, c), d.phone?.provenance),
    row("Email", displayRestrictable(d.email?.value ?? null, c), d.email?.provenance),
    row(
      "GP practice (ODS code)",
      displayRestrictable(d.gpOdsCode?.value ?? null, c),
      d.gpOdsCode?.provenance,
    ),
    ...(d.death ? [row("Date of death", displayDeath(d.death.value), d.death.provenance)] : []),
  ];
}
