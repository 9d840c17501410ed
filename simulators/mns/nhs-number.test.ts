import { describe, expect, it } from "vitest";
import { checkDigit, isValidNhsNumber, randomUnissuedNhsNumber } from "./nhs-number.ts";

describe("NHS number check digit", () => {
  it.each(["9434765919", "9000000009", "9991000100", "9993000000", "9999999999"])("accepts %s", (value) => {
    expect(isValidNhsNumber(value)).toBe(true);
  });

  it.each(["9434765918", "9000000000", "9991234560", "999100010", "99910001000", "999100010X"])(
    "refuses %s",
    (value) => {
      expect(isValidNhsNumber(value)).toBe(false);
    },
  );

  it("has no digit for a remainder of 1", () => {
    expect(checkDigit("999123456")).toBeUndefined();
  });
});

describe("randomUnissuedNhsNumber", () => {
  it("gives valid numbers from 999 300 0000 upwards", () => {
    for (let i = 0; i < 200; i++) {
      const value = randomUnissuedNhsNumber();
      expect(isValidNhsNumber(value), value).toBe(true);
      expect(Number(value)).toBeGreaterThanOrEqual(9_993_000_000);
    }
  });
});
