/**
 * The change each event type stands for, made at PDS before the event is sent. Values rotate with
 * a sequence number so that successive events for one patient really change something a
 * subscriber can see on its re-read (a new family name, a new home address, a new GP).
 */
import type { PdsChange } from "./pds-control.ts";
import type { EventType } from "./signal.ts";

const FAMILY_NAMES = ["ASHWORTH", "BRENNAN", "CARVER", "DOYLE", "ELLISON", "FAIRCLOUGH", "GRAINGER", "HOLT"];
const STREETS = ["Station Road", "Church Lane", "Victoria Street", "Mill Lane", "Park Avenue", "High Street"];
const TOWNS = [
  { town: "LEEDS", postalCode: "LS1 4AP" },
  { town: "YORK", postalCode: "YO1 7HH" },
  { town: "HULL", postalCode: "HU1 2AA" },
];
/** Made-up practice codes that no PDS simulator patient starts with, so the first change is visible. */
const GP_CODES = ["Y91001", "Y91002", "Y91003", "Y91004", "Y91005"];

function pick<T>(values: readonly T[], sequence: number): T {
  const value = values[sequence % values.length];
  if (value === undefined) throw new Error("pick from an empty list");
  return value;
}

/** A record change alternates between a name change and a move of home address. */
function recordChange(sequence: number): PdsChange {
  if (sequence % 2 === 0) return { family: pick(FAMILY_NAMES, sequence / 2) };
  const place = pick(TOWNS, sequence);
  return {
    address: {
      line: [`${(sequence % 200) + 1} ${pick(STREETS, sequence)}`, place.town],
      postalCode: place.postalCode,
    },
  };
}

/**
 * The PATCH body for an event type's default change; undefined for an NHS-number change, which
 * is a supersession or an invalidation rather than a PATCH.
 */
export function defaultChange(type: EventType, sequence: number, now: Date): PdsChange | undefined {
  switch (type) {
    case "pds-record-change-2":
      return recordChange(sequence);
    case "pds-death-notification-2":
      return { deceasedDateTime: now.toISOString() };
    case "pds-change-of-gp-2":
      return { gp: pick(GP_CODES, sequence) };
    case "nhs-number-change-2":
      return undefined;
  }
}
