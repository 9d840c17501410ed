/**
 * NHS numbers the simulator makes up: valid by the modulus-11 rule, from the 999 range that is
 * never issued, so an event can name a real-looking patient nobody holds.
 */
import { randomInt } from "node:crypto";

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2];

/** The modulus-11 check digit of nine digits, or undefined when no digit fits (remainder 1). */
export function checkDigit(nineDigits: string): number | undefined {
  let sum = 0;
  for (const [index, weight] of WEIGHTS.entries()) sum += Number(nineDigits[index]) * weight;
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

/** Whether a string is ten digits with a correct check digit. */
export function isValidNhsNumber(value: string): boolean {
  return /^\d{10}$/.test(value) && checkDigit(value.slice(0, 9)) === Number(value[9]);
}

/**
 * A random valid number from 999 300 0000–999 999 9999 (below that the PDS simulator keeps its
 * own synthetic patients).
 */
export function randomUnissuedNhsNumber(): string {
  for (;;) {
    const nine = `999${randomInt(300_000, 1_000_000)}`;
    const check = checkDigit(nine);
    if (check !== undefined) return `${nine}${check}`;
  }
}
