/**
 * FHIR R4 Patient (PDS, UK Core extensions) → NationalPatient. Where PDS's data is partial we keep
 * what there is and say null for the rest; where it would be unsafe to guess (confidentiality) we
 * assume the most restrictive reading.
 */
import type { Address, ContactPoint, Extension, HumanName, Patient, Period, Reference } from "fhir/r4.js";
import type {
  Confidentiality,
  Death,
  Gender,
  NationalPatient,
  PersonName,
  PostalAddress,
} from "../../patients/national-patient.ts";
import { type NhsNumber, parseNhsNumber } from "../../patients/nhs-number.ts";

const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
const VERIFICATION_STATUS_URL =
  "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
const DEATH_NOTIFICATION_URL =
  "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus";

const CONFIDENTIALITY: Readonly<Record<string, Confidentiality>> = {
  U: "unrestricted",
  R: "restricted",
  V: "very_restricted",
};

const DEATH_STATUS: Readonly<Record<string, Death["notificationStatus"]>> = {
  "1": "informal",
  "2": "formal",
  U: "removed",
};

const GENDERS: readonly string[] = ["male", "female", "other", "unknown"] satisfies Gender[];

/** A Patient that cannot be read as a NationalPatient; becomes `pds.bad_response`. */
export class PatientMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatientMappingError";
  }
}

/**
 * Maps a PDS Patient. `now` decides which addresses and contact details are current.
 * Throws PatientMappingError when the resource lacks what every PDS record has (a valid NHS
 * number as its id, a version).
 */
export function toNationalPatient(resource: Patient, now: Date): NationalPatient {
  const confidentiality = confidentialityOf(resource);
  // PDS withholds location data of restricted records; if any slipped through, we still hide it.
  const open = confidentiality === "unrestricted";
  return {
    nhsNumber: nhsNumberOf(resource),
    versionId: versionOf(resource),
    nhsNumberVerificationStatus: verificationStatusOf(resource),
    confidentiality,
    name: nameOf(resource.name ?? []),
    birthDate: resource.birthDate ?? null,
    gender: resource.gender !== undefined && GENDERS.includes(resource.gender) ? resource.gender : null,
    address: open ? addressOf(resource.address ?? [], now) : null,
    phone: open ? telecomOf(resource.telecom ?? [], "phone", now) : null,
    email: open ? telecomOf(resource.telecom ?? [], "email", now) : null,
    gpOdsCode: open ? gpOf(resource.generalPractitioner ?? [], now) : null,
    death: deathOf(resource),
  };
}

function nhsNumberOf(resource: Patient): NhsNumber {
  const parsed = parseNhsNumber(resource.id ?? "");
  // The message never repeats the id: it may be a real NHS number.
  if (!parsed.ok) throw new PatientMappingError(`Patient.id is not a valid NHS number (${parsed.problem})`);
  return parsed.value;
}

function versionOf(resource: Patient): string {
  const version = resource.meta?.versionId;
  if (typeof version !== "string" || version === "")
    throw new PatientMappingError("Patient has no meta.versionId");
  return version;
}

function verificationStatusOf(resource: Patient): string | null {
  const identifiers = resource.identifier ?? [];
  const identifier = identifiers.find((i) => i.system === NHS_NUMBER_SYSTEM) ?? identifiers[0];
  const extension = identifier?.extension?.find((e) => e.url === VERIFICATION_STATUS_URL);
  return extension?.valueCodeableConcept?.coding?.[0]?.code ?? null;
}

/** U/R/V as given; anything else (REDACTED, an unknown code, none at all) is treated as the strictest. */
function confidentialityOf(resource: Patient): Confidentiality {
  const code = resource.meta?.security?.[0]?.code;
  return (code !== undefined ? CONFIDENTIALITY[code] : undefined) ?? "very_restricted";
}

function nameOf(names: readonly HumanName[]): PersonName | null {
  const name = names.find((n) => n.use === "usual") ?? names[0];
  if (!name) return null;
  const given = name.given ?? [];
  const prefix = (name.prefix ?? []).join(" ");
  if (given.length === 0 && name.family === undefined && prefix === "") return null;
  return { ...(prefix === "" ? {} : { prefix }), given, family: name.family ?? "" };
}

/**
 * A period is current unless its end has passed. A date-only or partial end (`2021-12-31`,
 * `2021-12`, `2021`) lasts to the end of that day, month or year, so it is compared at its own
 * precision with today's date.
 */
export function isCurrent(period: Period | undefined, now: Date): boolean {
  const end = period?.end;
  if (end === undefined) return true;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(end)) return end >= now.toISOString().slice(0, end.length);
  const endsAt = Date.parse(end);
  return Number.isNaN(endsAt) || endsAt >= now.getTime();
}

function addressOf(addresses: readonly Address[], now: Date): PostalAddress | null {
  const current = addresses.filter((a) => isCurrent(a.period, now));
  const chosen = current.find((a) => a.use === "home") ?? current[0];
  if (!chosen) return null;
  const lines = chosen.line ?? [];
  return chosen.postalCode === undefined ? { lines } : { lines, postalCode: chosen.postalCode };
}

function telecomOf(telecom: readonly ContactPoint[], system: "phone" | "email", now: Date): string | null {
  const found = telecom.find((t) => t.system === system && t.value !== undefined && isCurrent(t.period, now));
  return found?.value ?? null;
}

/** The registered GP practice: the first whose registration period has not ended (as for addresses). */
function gpOf(practitioners: readonly Reference[], now: Date): string | null {
  const current = practitioners.find(
    (gp) => gp.identifier?.value !== undefined && isCurrent(gp.identifier.period, now),
  );
  return current?.identifier?.value ?? null;
}

function deathOf(resource: Patient): Death | null {
  if (resource.deceasedDateTime === undefined) return null;
  const status = resource.extension
    ?.find((e) => e.url === DEATH_NOTIFICATION_URL)
    ?.extension?.find((e: Extension) => e.url === "deathNotificationStatus")?.valueCodeableConcept
    ?.coding?.[0]?.code;
  return {
    dateTime: resource.deceasedDateTime,
    notificationStatus: (status !== undefined ? DEATH_STATUS[status] : undefined) ?? null,
  };
}
