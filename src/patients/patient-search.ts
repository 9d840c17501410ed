/**
 * One search box, as clinicians use it: an NHS number (with or without spaces), a date of birth
 * (14/03/1984 or 1984-03-14), a hospital number (MRN), or a name. An empty box and a mistyped NHS
 * number (ten digits, wrong check digit) each get their own error, so neither reads as "no match".
 */
import { AppError } from "../platform/errors.ts";
import { parseNhsNumber } from "./nhs-number.ts";
import { patientErrors } from "./patients.errors.ts";
import type { PatientQuery } from "./patients.ports.ts";

/** Local hospital numbers look like `RX1-000123`: letters and digits with at least one digit. */
const MRN_SHAPE = /^(?=.*\d)[A-Za-z0-9]{1,6}-?[0-9]{2,10}$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isoDate(text: string): string | undefined {
  const uk = UK_DATE.exec(text);
  const iso = ISO_DATE.exec(text);
  const [year, month, day] = uk ? [uk[3], uk[2], uk[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (!year || !month || !day) return undefined;
  const value = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  const parsed = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value ? undefined : value;
}

/** Interprets the search box; throws patient.search_invalid for nonsense. */
export function parseSearch(input: string): PatientQuery {
  const text = input.trim().replace(/\s+/g, " ");
  if (text.length === 0) throw new AppError(patientErrors.search_empty);
  if (text.length > 100) throw new AppError(patientErrors.search_invalid);
  const digitsOnly = text.replace(/[ -]/g, "");
  if (/^\d{10}$/.test(digitsOnly)) {
    const parsed = parseNhsNumber(text);
    if (parsed.ok) return { kind: "nhs_number", value: parsed.value };
    throw new AppError(patientErrors.search_check_digit);
  }
  const date = isoDate(text);
  if (date) return { kind: "birth_date", value: date };
  if (MRN_SHAPE.test(text)) return { kind: "mrn", value: text.toUpperCase() };
  const terms = text
    .toLowerCase()
    .split(" ")
    .map((t) => t.replace(/[^\p{L}'-]/gu, ""))
    .filter((t) => t.length > 0);
  if (terms.length === 0 || terms.length > 4) throw new AppError(patientErrors.search_invalid);
  return { kind: "name", terms };
}
