import { describe, expect, it } from "vitest";
import { formatNhsNumber, isValidNhsNumber } from "./nhs-number.ts";

describe("NHS number check", () => {
  it.each(["9000000009", "9000000017", "9000000025", "9434765919", "9991000100", "9693632109", "0000000000"])(
    "accepts %s",
    (value) => {
      expect(isValidNhsNumber(value)).toBe(true);
    },
  );

  it.each([
    ["wrong check digit", "9000000000"],
    ["wrong check digit", "4865447041"],
    ["check digit would be 10", "9991234560"],
    ["nine digits", "900000000"],
    ["eleven digits", "90000000091"],
    ["spaces", "900 000 0009"],
    ["a letter", "987654321X"],
    ["empty", ""],
  ])("refuses %s (%s)", (_why, value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });

  it("formats as 3 3 4", () => {
    expect(formatNhsNumber("9434765919")).toBe("943 476 5919");
  });
});
