/**
 * A simple, exact (non-fuzzy) PDS patient search over the simulator's own records. It follows the
 * documented rules that matter to a client: family name and birth date are the minimum,
 * matching ignores case, `*` is a wildcard only after the first two characters, given names
 * match position by position, and too many matches is a 200 with TOO_MANY_MATCHES.
 */
import type { Patient } from "fhir/r4.js";
import type { SpineErrorCode } from "./operation-outcome.ts";
import { type DateRange, parseDateRange } from "./search-dates.ts";

export type SearchQuery = Record<string, string | string[] | undefined>;

export interface SearchCriteria {
  family: RegExp;
  given: RegExp[];
  gender?: string;
  birthDate: DateRange;
  deathDate?: DateRange;
  postalCode?: RegExp;
  gp?: string;
  email?: string;
  phone?: string;
  maxResults: number;
}

export type SearchParse =
  | { ok: true; criteria: SearchCriteria }
  | { ok: false; code: SpineErrorCode; diagnostics: string };

/** Parameters PDS defines that the simulator does not model; asking for them must not silently match. */
const UNMODELLED = new Set(["_fuzzy-match", "_exact-match", "_history", "address-postcode"]);
const KNOWN = new Set([
  "family",
  "given",
  "gender",
  "birthdate",
  "death-date",
  "address-postalcode",
  "general-practitioner",
  "email",
  "phone",
  "_max-results",
  ...UNMODELLED,
]);
const GENDERS = new Set(["male", "female", "other", "unknown"]);
const DEFAULT_MAX_RESULTS = 50;

class SearchDataError extends Error {
  readonly code: SpineErrorCode;
  constructor(code: SpineErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function values(query: SearchQuery, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function single(query: SearchQuery, name: string): string | undefined {
  const all = values(query, name);
  if (all.length > 1)
    throw new SearchDataError("INVALID_SEARCH_DATA", `Parameter '${name}' may only be given once`);
  return all[0];
}

/** Case-insensitive whole-value matcher; `*` stands for any run of characters, but not in the first two. */
function nameMatcher(name: string, value: string): RegExp {
  if (value.length === 0 || value.length > 35) {
    throw new SearchDataError("INVALID_SEARCH_DATA", `Invalid value - '${value}' in field '${name}'`);
  }
  if (value.slice(0, 2).includes("*")) {
    throw new SearchDataError(
      "INVALID_SEARCH_DATA",
      `Wildcards are not allowed in the first two characters of '${name}'`,
    );
  }
  const pattern = value.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*");
  return new RegExp(`^${pattern}$`, "i");
}

function maxResults(query: SearchQuery): number {
  const raw = single(query, "_max-results");
  if (raw === undefined) return DEFAULT_MAX_RESULTS;
  const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(parsed >= 1 && parsed <= 50)) {
    throw new SearchDataError("INVALID_VALUE", `Invalid value - '${raw}' in field '_max-results'`);
  }
  return parsed;
}

function checkParameterNames(query: SearchQuery): void {
  for (const name of Object.keys(query)) {
    if (!KNOWN.has(name)) throw new SearchDataError("ADDITIONAL_PROPERTIES", `Invalid parameter - '${name}'`);
    if (UNMODELLED.has(name) && !values(query, name).every((value) => value === "false")) {
      throw new SearchDataError("INVALID_SEARCH_DATA", `The PDS simulator does not support '${name}'`);
    }
  }
}

function gender(query: SearchQuery): string | undefined {
  const value = single(query, "gender");
  if (value !== undefined && !GENDERS.has(value)) {
    throw new SearchDataError("INVALID_SEARCH_DATA", `Invalid value - '${value}' in field 'gender'`);
  }
  return value;
}

function dateRange(query: SearchQuery, name: string): DateRange | undefined {
  const given = values(query, name);
  if (given.length === 0) return undefined;
  const range = parseDateRange(given);
  if (!range)
    throw new SearchDataError(
      "INVALID_SEARCH_DATA",
      `Invalid value - '${given.join(",")}' in field '${name}'`,
    );
  return range;
}

function buildCriteria(query: SearchQuery): SearchCriteria {
  checkParameterNames(query);
  const family = single(query, "family");
  const birthDate = dateRange(query, "birthdate");
  if (family === undefined || birthDate === undefined) {
    throw new SearchDataError(
      "INVALID_SEARCH_DATA",
      "Not enough search parameters were provided to be able to make a search",
    );
  }
  const criteria: SearchCriteria = {
    family: nameMatcher("family", family),
    given: values(query, "given").map((value) => nameMatcher("given", value)),
    birthDate,
    maxResults: maxResults(query),
  };
  return withOptionalCriteria(criteria, query);
}

function withOptionalCriteria(criteria: SearchCriteria, query: SearchQuery): SearchCriteria {
  const result = { ...criteria };
  const genderValue = gender(query);
  if (genderValue !== undefined) result.gender = genderValue;
  const deathDate = dateRange(query, "death-date");
  if (deathDate) result.deathDate = deathDate;
  const postalCode = single(query, "address-postalcode");
  if (postalCode !== undefined)
    result.postalCode = nameMatcher("address-postalcode", normalisePostcode(postalCode));
  const gp = single(query, "general-practitioner");
  if (gp !== undefined) result.gp = gp.toUpperCase();
  const email = single(query, "email");
  if (email !== undefined) result.email = email.toLowerCase();
  const phone = single(query, "phone");
  if (phone !== undefined) result.phone = digitsOnly(phone);
  return result;
}

/** Validates a search query the way PDS does, returning the criteria or the Spine error to send. */
export function parseSearchQuery(query: SearchQuery): SearchParse {
  if (Object.keys(query).length === 0) {
    return { ok: false, code: "UNSUPPORTED_SERVICE", diagnostics: "No search parameters were provided" };
  }
  try {
    return { ok: true, criteria: buildCriteria(query) };
  } catch (error) {
    if (error instanceof SearchDataError) return { ok: false, code: error.code, diagnostics: error.message };
    throw error;
  }
}

function normalisePostcode(value: string): string {
  return value.replaceAll(" ", "").toUpperCase();
}

function digitsOnly(value: string): string {
  return value.replace(/\D/g, "");
}

function usualName(patient: Patient) {
  return patient.name?.find((name) => name.use === "usual") ?? patient.name?.[0];
}

function namesMatch(patient: Patient, criteria: SearchCriteria): boolean {
  const name = usualName(patient);
  if (!name || !criteria.family.test(name.family ?? "")) return false;
  return criteria.given.every((matcher, index) => matcher.test(name.given?.[index] ?? ""));
}

function contactsMatch(patient: Patient, criteria: SearchCriteria): boolean {
  const telecom = patient.telecom ?? [];
  if (
    criteria.email !== undefined &&
    !telecom.some((t) => t.system === "email" && t.value?.toLowerCase() === criteria.email)
  ) {
    return false;
  }
  if (
    criteria.phone !== undefined &&
    !telecom.some((t) => t.system === "phone" && digitsOnly(t.value ?? "") === criteria.phone)
  ) {
    return false;
  }
  const postalCode = criteria.postalCode;
  if (
    postalCode &&
    !(patient.address ?? []).some((a) => postalCode.test(normalisePostcode(a.postalCode ?? "")))
  ) {
    return false;
  }
  return criteria.gp === undefined || patient.generalPractitioner?.[0]?.identifier?.value === criteria.gp;
}

/**
 * True when `patient` matches every criterion. Callers pass the search view of the record, so a
 * restricted patient cannot be found through the location data PDS withholds.
 */
export function matchesCriteria(patient: Patient, criteria: SearchCriteria): boolean {
  if (!namesMatch(patient, criteria)) return false;
  if (criteria.gender !== undefined && patient.gender !== criteria.gender) return false;
  if (!criteria.birthDate.contains(patient.birthDate)) return false;
  if (criteria.deathDate && !criteria.deathDate.contains(patient.deceasedDateTime?.slice(0, 10)))
    return false;
  return contactsMatch(patient, criteria);
}
