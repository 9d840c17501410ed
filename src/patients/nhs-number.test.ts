import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectedCheckDigit, formatNhsNumber, nhsNumber, parseNhsNumber } from "./nhs-number.ts";

const FIXTURE = new URL("../../../shared/fixtures/nhs-numbers.json", import.meta.url);

interface Vectors {
  valid: string[];
  invalid: string[];
  malformed: string[];
  formatted: { input: string; normalised: string }[];
}

function vectors(): Vectors {
  try {
    return JSON.parse(readFileSync(FIXTURE, "utf8")) as Vectors;
  } catch (error) {
    throw new Error(
      `NHS number vectors not found at ${FIXTURE.pathname} (shared/ must sit beside the project)`,
      { cause: error },
    );
  }
}

const v = vectors();

describe("NHS number", () => {
  it("has vectors to test against", () => {
    expect(v.valid.length).toBeGreaterThan(30);
    expect(v.invalid.length).toBeGreaterThan(10);
  });

  it.each(v.valid)("accepts %s", (value) => {
    expect(parseNhsNumber(value)).toEqual({ ok: true, value });
  });

  it.each(v.invalid)("refuses %s for its check digit", (value) => {
    expect(parseNhsNumber(value)).toEqual({ ok: false, problem: "check_digit" });
  });

  it.each(v.malformed)("refuses malformed %j before any checksum", (value) => {
    const parsed = parseNhsNumber(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(["empty", "not_ten_digits"]).toContain(parsed.problem);
  });

  it.each(v.formatted)("normalises $input", ({ input, normalised }) => {
    expect(parseNhsNumber(input)).toEqual({ ok: true, value: normalised });
  });

  it("formats 3 3 4 and round-trips", () => {
    const value = nhsNumber("9434765919");
    expect(formatNhsNumber(value)).toBe("943 476 5919");
    expect(parseNhsNumber(formatNhsNumber(value))).toEqual({ ok: true, value });
  });

  it("knows a remainder of 1 can never be valid and 11 gives 0", () => {
    expect(expectedCheckDigit("999123456")).toBeUndefined();
    expect(expectedCheckDigit("999100010")).toBe(0);
    expect(expectedCheckDigit("943476591")).toBe(9);
  });

  it("refuses separators in odd places and other characters", () => {
    for (const bad of [
      "-9434765919",
      "9434765919-",
      "943.476.5919",
      "94347659 1 9x",
      "９４３４７６５９１９",
    ]) {
      expect(parseNhsNumber(bad).ok).toBe(false);
    }
  });

  it("refuses to brand an invalid value", () => {
    expect(() => nhsNumber("9434765918")).toThrow(TypeError);
  });
});
