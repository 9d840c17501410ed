/**
 * The NHS number as a value object. The only way to get an `NhsNumber` is through `parseNhsNumber`,
 * which checks the modulus-11 check digit, so an unvalidated string can never reach code that takes
 * an NhsNumber. A valid check digit proves only that the number is well formed; whether it belongs
 * to this patient is PDS's to say.
 */

declare const nhsNumberBrand: unique symbol;

/** Ten digits with a valid check digit. */
export type NhsNumber = string & { readonly [nhsNumberBrand]: true };

export type NhsNumberProblem = "empty" | "not_ten_digits" | "check_digit";

export type ParsedNhsNumber =
  | { readonly ok: true; readonly value: NhsNumber }
  | { readonly ok: false; readonly problem: NhsNumberProblem };

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** The check digit the first nine digits call for, or undefined when they can never be valid (remainder gives 10). */
export function expectedCheckDigit(firstNine: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (WEIGHTS[i] as number);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? undefined : check;
}

/** Accepts digits with spaces or hyphens between them (as people type and print them). */
export function parseNhsNumber(input: string): ParsedNhsNumber {
  const trimmed = input.trim();
  if (trimmed === "") return { ok: false, problem: "empty" };
  if (!/^[0-9][0-9 -]*[0-9]$/.test(trimmed)) return { ok: false, problem: "not_ten_digits" };
  const digits = trimmed.replace(/[ -]/g, "");
  if (digits.length !== 10) return { ok: false, problem: "not_ten_digits" };
  const check = expectedCheckDigit(digits.slice(0, 9));
  if (check === undefined || check !== Number(digits[9])) return { ok: false, problem: "check_digit" };
  return { ok: true, value: digits as NhsNumber };
}

/** For values that must already be valid (e.g. read back from our own store); throws otherwise. */
export function nhsNumber(input: string): NhsNumber {
  const parsed = parseNhsNumber(input);
  if (!parsed.ok) throw new TypeError(`not a valid NHS number (${parsed.problem})`);
  return parsed.value;
}

/** `943 476 5919`: the 3 3 4 format NHS services display. */
export function formatNhsNumber(value: NhsNumber): string {
  return `${value.slice(0, 3)} ${value.slice(3, 6)} ${value.slice(6)}`;
}

/** Human wording for a parse problem, for form errors. */
export function describeNhsNumberProblem(problem: NhsNumberProblem): string {
  switch (problem) {
    case "empty":
      return "Enter an NHS number";
    case "not_ten_digits":
      return "NHS number must be 10 digits";
    case "check_digit":
      return "This is not a valid NHS number: check it for typing errors";
  }
}
