/** Reading JWT claims defensively: every value is unknown until one of these has looked at it. */

/** `aud` may be a string or an array of strings (CIS2 sends both). */
export function audienceIncludes(aud: unknown, clientId: string): boolean {
  return typeof aud === "string" ? aud === clientId : Array.isArray(aud) && aud.includes(clientId);
}

/** A NumericDate claim (seconds), or undefined when absent or not a finite number. */
export function numericDate(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}
