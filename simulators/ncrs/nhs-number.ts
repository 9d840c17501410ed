/**
 * NHS number checks for the NCRS simulator. Written here rather than imported from the app or
 * another simulator: an independent implementation is what lets the simulator catch the app's
 * mistakes (a number formatted with spaces, a wrong check digit) instead of sharing them.
 */

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/**
 * True when `value` is exactly ten digits whose last digit is the modulus-11 check digit of the
 * first nine. Spaces and hyphens are refused on purpose: the link should carry the bare number.
 */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  let sum = 0;
  for (const [index, weight] of WEIGHTS.entries()) sum += Number(value[index]) * weight;
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(value[9]);
}

/** Formats a ten-digit NHS number the way NHS screens show it: `3 3 4`, e.g. `943 476 5919`. */
export function formatNhsNumber(value: string): string {
  if (!/^\d{10}$/.test(value)) return value;
  return `${value.slice(0, 3)} ${value.slice(3, 6)} ${value.slice(6)}`;
}
