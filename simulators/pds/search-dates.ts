/**
 * PDS date search values: `eqYYYY-MM-DD` for one day, or `geYYYY-MM-DD` and/or `leYYYY-MM-DD`
 * (each parameter repeated) for a range. A bare date counts as `eq`.
 */

export interface DateRange {
  /** True when `date` (a FHIR date, possibly partial or absent) lies in the range. */
  contains(date: string | undefined): boolean;
}

const DATE_VALUE = /^(eq|ge|le)?(\d{4}-\d{2}-\d{2})$/;

function isCalendarDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** Parses the values of one date parameter, or returns `undefined` when they do not form a range. */
export function parseDateRange(values: readonly string[]): DateRange | undefined {
  const bounds = new Map<string, string>();
  for (const value of values) {
    const match = DATE_VALUE.exec(value);
    const prefix = match?.[1] ?? "eq";
    const date = match?.[2];
    if (date === undefined || !isCalendarDate(date) || bounds.has(prefix)) return undefined;
    bounds.set(prefix, date);
  }
  const eq = bounds.get("eq");
  if (eq !== undefined && bounds.size > 1) return undefined;
  const from = eq ?? bounds.get("ge");
  const to = eq ?? bounds.get("le");
  return {
    // ISO dates compare correctly as strings; partial dates (YYYY or YYYY-MM) never match a day.
    contains: (date) =>
      date !== undefined &&
      /^\d{4}-\d{2}-\d{2}$/.test(date) &&
      (from === undefined || date >= from) &&
      (to === undefined || date <= to),
  };
}
