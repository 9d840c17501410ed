/**
 * A FHIR R4 `Patient` sent by a point-of-care system, read into what a hand-over needs: the NHS
 * number, the sending system's own identifier for the patient (an MRN and the `system` it belongs
 * to), and the demographics it holds. Anything else a Patient may carry is allowed and ignored;
 * what is not R4 is refused with a stable code and the path of the first problem (never a value,
 * so an NHS number never reaches a log through an error).
 */
import type { Gender, PersonName, PostalAddress } from "./national-patient.ts";
import { type NhsNumber, parseNhsNumber } from "./nhs-number.ts";

export const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

export interface SentDemographics {
  readonly name: PersonName | null;
  readonly birthDate: string | null;
  readonly gender: Gender | null;
  readonly address: PostalAddress | null;
}

export interface HandedOverPatient {
  readonly nhsNumber: NhsNumber;
  /** The sending system's identifier for the patient: the first identifier that is not an NHS number. */
  readonly systemIdentifier: { readonly system: string; readonly value: string };
  readonly demographics: SentDemographics;
}

export type PatientProblem =
  | "not_r4_patient"
  | "no_nhs_number"
  | "invalid_nhs_number"
  | "conflicting_nhs_numbers"
  | "no_system_identifier";

export type PatientReading =
  | { readonly ok: true; readonly patient: HandedOverPatient }
  | { readonly ok: false; readonly problem: PatientProblem; readonly path: string };

/** Every element of an R4 Patient (and `_x` primitive extensions); anything else is not R4. */
const R4_ELEMENTS = new Set([
  "resourceType",
  "id",
  "meta",
  "implicitRules",
  "language",
  "text",
  "contained",
  "extension",
  "modifierExtension",
  "identifier",
  "active",
  "name",
  "telecom",
  "gender",
  "birthDate",
  "deceasedBoolean",
  "deceasedDateTime",
  "address",
  "maritalStatus",
  "multipleBirthBoolean",
  "multipleBirthInteger",
  "photo",
  "contact",
  "communication",
  "generalPractitioner",
  "managingOrganization",
  "link",
]);
const ARRAYS = [
  "contained",
  "extension",
  "modifierExtension",
  "identifier",
  "name",
  "telecom",
  "address",
  "photo",
  "contact",
  "communication",
  "generalPractitioner",
  "link",
];
const GENDERS: readonly Gender[] = ["male", "female", "other", "unknown"];
/** FHIR `date`: a year, a year and month, or a full date. */
const FHIR_DATE = /^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$/;
/** FHIR `uri` and `string` are bounded here: a hand-over never needs more. */
const MAX_TEXT = 200;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.trim() !== "" && v.length <= MAX_TEXT;
const refuse = (problem: PatientProblem, path: string): PatientReading => ({ ok: false, problem, path });

export function readFhirPatient(resource: unknown): PatientReading {
  if (!isObject(resource) || resource["resourceType"] !== "Patient")
    return refuse("not_r4_patient", "Patient.resourceType");
  const shape = shapeProblem(resource);
  if (shape) return refuse("not_r4_patient", shape);
  // Every element is checked as R4 first, so what is not R4 is always called so.
  const demographics = demographicsOf(resource);
  if ("path" in demographics) return refuse("not_r4_patient", demographics.path);
  const identifiers = resource["identifier"] as unknown[] | undefined;
  const nhs = nhsNumberOf(identifiers ?? []);
  if (!nhs.ok) return nhs;
  const own = (identifiers ?? []).findIndex((i) => (i as Json)["system"] !== NHS_NUMBER_SYSTEM);
  const ownIdentifier = own >= 0 ? ((identifiers ?? [])[own] as Json) : undefined;
  if (!ownIdentifier) return refuse("no_system_identifier", "Patient.identifier");
  if (!isText(ownIdentifier["system"]) || !isText(ownIdentifier["value"]))
    return refuse("no_system_identifier", `Patient.identifier[${own}]`);
  return {
    ok: true,
    patient: {
      nhsNumber: nhs.value,
      systemIdentifier: { system: ownIdentifier["system"], value: ownIdentifier["value"].trim() },
      demographics,
    },
  };
}

/** The first element that is not shaped as R4 says, or null. */
function shapeProblem(resource: Json): string | null {
  for (const key of Object.keys(resource)) {
    const element = key.startsWith("_") ? key.slice(1) : key;
    if (!R4_ELEMENTS.has(element)) return `Patient.${key}`;
  }
  for (const key of ARRAYS) {
    const value = resource[key];
    if (value !== undefined && (!Array.isArray(value) || !value.every(isObject))) return `Patient.${key}`;
  }
  const identifiers = (resource["identifier"] ?? []) as Json[];
  for (const [i, identifier] of identifiers.entries()) {
    for (const field of ["system", "value"]) {
      const v = identifier[field];
      if (v !== undefined && typeof v !== "string") return `Patient.identifier[${i}].${field}`;
    }
  }
  return null;
}

function nhsNumberOf(
  identifiers: readonly unknown[],
): { ok: true; value: NhsNumber } | Extract<PatientReading, { ok: false }> {
  let found: NhsNumber | null = null;
  for (const [i, identifier] of identifiers.entries()) {
    const id = identifier as Json;
    if (id["system"] !== NHS_NUMBER_SYSTEM) continue;
    const path = `Patient.identifier[${i}].value`;
    const value = id["value"];
    if (typeof value !== "string" || value.trim() === "")
      return { ok: false, problem: "no_nhs_number", path };
    const parsed = parseNhsNumber(value);
    if (!parsed.ok) return { ok: false, problem: "invalid_nhs_number", path };
    if (found !== null && found !== parsed.value)
      return { ok: false, problem: "conflicting_nhs_numbers", path };
    found = parsed.value;
  }
  return found === null
    ? { ok: false, problem: "no_nhs_number", path: "Patient.identifier" }
    : { ok: true, value: found };
}

function demographicsOf(resource: Json): SentDemographics | { path: string } {
  const name = nameOf((resource["name"] ?? []) as Json[]);
  if (name && "path" in name) return name;
  const birthDate = resource["birthDate"];
  if (birthDate !== undefined && (typeof birthDate !== "string" || !FHIR_DATE.test(birthDate)))
    return { path: "Patient.birthDate" };
  const gender = resource["gender"];
  if (gender !== undefined && !GENDERS.includes(gender as Gender)) return { path: "Patient.gender" };
  const address = addressOf((resource["address"] ?? []) as Json[]);
  if (address && "path" in address) return address;
  return {
    name,
    birthDate: (birthDate as string | undefined) ?? null,
    gender: (gender as Gender | undefined) ?? null,
    address,
  };
}

/** The official (else usual, else first) name that has a family name. */
function nameOf(names: readonly Json[]): PersonName | null | { path: string } {
  for (const [i, name] of names.entries()) {
    const problem = stringsProblem(name, ["given", "prefix"], ["family", "use", "text"]);
    if (problem) return { path: `Patient.name[${i}].${problem}` };
  }
  const rank = (n: Json) => (n["use"] === "official" ? 0 : n["use"] === "usual" ? 1 : 2);
  const chosen = names
    .filter((n) => isText(n["family"]) && n["use"] !== "old")
    .sort((a, b) => rank(a) - rank(b))[0];
  if (!chosen) return null;
  const prefix = (chosen["prefix"] as string[] | undefined)?.[0];
  return {
    ...(prefix ? { prefix } : {}),
    given: ((chosen["given"] as string[] | undefined) ?? []).map((g) => g.trim()).filter(Boolean),
    family: (chosen["family"] as string).trim(),
  };
}

/** The home (else first current) address. */
function addressOf(addresses: readonly Json[]): PostalAddress | null | { path: string } {
  for (const [i, address] of addresses.entries()) {
    const problem = stringsProblem(address, ["line"], ["city", "district", "postalCode", "use", "text"]);
    if (problem) return { path: `Patient.address[${i}].${problem}` };
  }
  const current = addresses.filter((a) => a["use"] !== "old");
  const chosen = current.find((a) => a["use"] === "home") ?? current[0];
  if (!chosen) return null;
  const lines = [
    ...((chosen["line"] as string[] | undefined) ?? []),
    chosen["city"] as string | undefined,
    chosen["district"] as string | undefined,
  ]
    .filter((l): l is string => typeof l === "string" && l.trim() !== "")
    .map((l) => l.trim());
  const postalCode = (chosen["postalCode"] as string | undefined)?.trim();
  if (lines.length === 0 && !postalCode) return null;
  return { lines, ...(postalCode ? { postalCode } : {}) };
}

/** The first of these fields that is not a (bounded) string, or string array, as R4 says. */
function stringsProblem(value: Json, arrays: readonly string[], strings: readonly string[]): string | null {
  for (const field of arrays) {
    const v = value[field];
    if (
      v !== undefined &&
      (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s.length <= MAX_TEXT))
    )
      return field;
  }
  for (const field of strings) {
    const v = value[field];
    if (v !== undefined && (typeof v !== "string" || v.length > MAX_TEXT)) return field;
  }
  return null;
}
