import { describe, expect, it } from "vitest";
import type { NationalPatient } from "../patients/national-patient.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import { completionsFor, leadOf } from "./group-outcome.ts";
import { announcedVersion, isBehind, isFreshEnough } from "./read-freshness.ts";

const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 9, 0, s));
const event = (id: string, pdsVersion: number | null, second: number) => ({
  id,
  pdsVersion,
  receivedAt: at(second),
});
const found = (version: string, second: number) => ({
  kind: "found" as const,
  patient: { nhsNumber: nhsNumber("9991000038"), versionId: version } as NationalPatient,
  retrievedAt: at(second),
});

describe("one read for a group of events", () => {
  it("is fresh enough at or above the newest announced version, whenever it was made", () => {
    const events = [event("a", 5, 10), event("b", 7, 11)];
    expect(announcedVersion(events)).toBe(7);
    expect(isFreshEnough(found("7", 1), events, true)).toBe(true);
    expect(isFreshEnough(found("6", 20), events, true)).toBe(false);
    expect(isBehind(found("6", 20), events, true)).toBe(true);
    expect(isBehind(found("8", 20), events, true)).toBe(false);
  });

  it("without versions, is fresh enough only if PDS answered after the last event arrived", () => {
    const events = [event("a", null, 10), event("b", 7, 11)];
    expect(announcedVersion(events)).toBeNull();
    expect(isFreshEnough(found("9", 11), events, true)).toBe(false);
    expect(isFreshEnough(found("1", 12), events, true)).toBe(true);
    // An NHS number change announces the old record's version: not comparable with the read.
    expect(isFreshEnough(found("1", 5), [event("a", 9, 10)], false)).toBe(false);
    expect(isBehind(found("1", 20), [event("a", 9, 10)], false)).toBe(false);
  });

  it("is recorded against the newest event; older ones are stale and say nothing", () => {
    const events = [event("a", 5, 10), event("b", 7, 11), event("c", 6, 12)];
    expect(leadOf(events).id).toBe("b");
    const result = {
      outcome: "applied" as const,
      notable: ["deceased" as const],
      appliedVersion: 7,
      patientId: "p",
      comparable: true,
    };
    expect(completionsFor(events, result)).toEqual([
      { id: "a", status: "processed", outcome: "stale", notable: [], patientId: "p" },
      { id: "b", status: "processed", outcome: "applied", notable: ["deceased"], patientId: "p" },
      { id: "c", status: "processed", outcome: "stale", notable: [], patientId: "p" },
    ]);
  });

  it("marks events about patients not held here as skipped", () => {
    const result = {
      outcome: "not_in_index" as const,
      notable: [],
      appliedVersion: null,
      patientId: null,
      comparable: false,
    };
    expect(completionsFor([event("a", 1, 1)], result)).toEqual([
      { id: "a", status: "skipped", outcome: "not_in_index", notable: [], patientId: null },
    ]);
  });

  it("among events without versions, leads with the last to arrive", () => {
    expect(leadOf([event("a", null, 3), event("b", null, 9), event("c", null, 5)]).id).toBe("b");
  });
});
