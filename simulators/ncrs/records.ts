/**
 * The simulator's own small care records, keyed by NHS number (`fixtures/records.json`). They are
 * made up, and kept to the handful of PDS simulator patients the app's tests launch, so a
 * launch can be checked end to end: the NHS number the app sent is the record NCRS shows.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const recordSchema = z.strictObject({
  name: z
    .strictObject({ prefix: z.string().optional(), given: z.array(z.string()), family: z.string() })
    .nullable(),
  birthDate: z.iso.date().nullable(),
  gender: z.enum(["female", "male", "other", "unknown"]).nullable(),
  dateOfDeath: z.iso.date().optional(),
  /** A restricted record shows only the patient's name and that it is restricted. */
  restricted: z.boolean().optional(),
  allergies: z.array(z.strictObject({ substance: z.string(), reaction: z.string() })),
  medications: z.array(z.strictObject({ name: z.string(), dosage: z.string() })),
  reasonableAdjustments: z.array(z.string()),
  /** Child protection information; `null` shows as "None". */
  childProtection: z.string().nullable(),
});

const recordsSchema = z.record(z.string().regex(/^\d{10}$/), recordSchema);

export type CareRecord = z.infer<typeof recordSchema>;

/** Loads and validates the fixture; a broken fixture stops the simulator at start. */
export function loadRecords(): ReadonlyMap<string, CareRecord> {
  const text = readFileSync(new URL("./fixtures/records.json", import.meta.url), "utf8");
  return new Map(Object.entries(recordsSchema.parse(JSON.parse(text))));
}

/** "Jane Smith"; `undefined` when the record holds no name (bad data quality). */
export function displayName(record: CareRecord): string | undefined {
  if (!record.name) return undefined;
  return [...record.name.given, record.name.family].join(" ");
}

const LONG_DATE = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** An ISO date as NHS pages write it: "22 October 2010". */
export function longDate(isoDate: string): string {
  return LONG_DATE.format(new Date(`${isoDate}T00:00:00Z`));
}
