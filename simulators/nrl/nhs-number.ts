/**
 * NHS number syntax check for the simulator. Deliberately written here rather than imported from
 * the app: an independent implementation is what lets the simulator catch the app's mistakes.
 */

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/**
 * Returns the modulus-11 check digit for the first nine digits, or `undefined` when the nine
 * digits can never form a valid NHS number (the rule yields 10).
 */
export function checkDigitFor(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) return undefined;
  let sum = 0;
  for (const [index, weight] of WEIGHTS.entries()) sum += Number(firstNine[index]) * weight;
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? undefined : check;
}

/** True when `value` is exactly ten digits whose last digit is the correct modulus-11 check digit. */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return checkDigitFor(value.slice(0, 9)) === Number(value[9]);
}
