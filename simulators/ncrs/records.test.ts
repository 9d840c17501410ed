import { describe, expect, it } from "vitest";
import { isValidNhsNumber } from "./nhs-number.ts";
import { displayName, loadRecords, longDate } from "./records.ts";

const COVERED = [
  "9000000009",
  "9000000017",
  "9000000025",
  "9000000033",
  "9693632109",
  "9991000100",
  "9991000038",
  "9991000046",
  "9991000054",
  "9991000062",
  "9991000070",
  "9732110317",
];

describe("care records fixture", () => {
  const records = loadRecords();

  it("covers the PDS simulator's launchable patients, each under a valid NHS number", () => {
    expect([...records.keys()].sort()).toEqual([...COVERED].sort());
    for (const nhsNumber of records.keys()) expect(isValidNhsNumber(nhsNumber), nhsNumber).toBe(true);
  });

  it("names Jane Smith under 9000000009 and marks only 9000000025 restricted", () => {
    const jane = records.get("9000000009");
    expect(jane && displayName(jane)).toBe("Jane Smith");
    const restricted = [...records].filter(([, r]) => r.restricted).map(([n]) => n);
    expect(restricted).toEqual(["9000000025"]);
  });

  it("writes dates the NHS way", () => {
    expect(longDate("2010-10-22")).toBe("22 October 2010");
  });
});
