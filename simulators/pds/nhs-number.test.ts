import { describe, expect, it } from "vitest";
import { checkDigitFor, isValidNhsNumber } from "./nhs-number.ts";

// Vectors from the national-services brief §6.3, each checked by hand against the modulus-11 rule.
const VALID = [
  "9000000009",
  "9000000017",
  "9000000025",
  "9000000033",
  "9111231130",
  "9999999999",
  "9434765919",
  "9876543210",
  "4010232137",
  "6328797966",
  "4865447040",
  "9991000003",
  "9991000100",
  "0101011113",
  "3462950622",
  "0000000000",
  "9693632109",
  "5900046192",
];
const INVALID = [
  "9000000000",
  "1234567890",
  "4865447041",
  "9111111111",
  "9111111112",
  "1000000000",
  "9991000004",
  "9991234560",
  "9495456001",
];
const MALFORMED = ["", "900000000", "90000000099", "987654321X", "9OOOOOOOO9", "900 000 0009", " 9000000009"];

describe("isValidNhsNumber", () => {
  it.each(VALID)("accepts %s", (value) => expect(isValidNhsNumber(value)).toBe(true));
  it.each(INVALID)("rejects %s (wrong check digit)", (value) => expect(isValidNhsNumber(value)).toBe(false));
  it.each(MALFORMED)("rejects %j (not ten digits)", (value) => expect(isValidNhsNumber(value)).toBe(false));
});

describe("checkDigitFor", () => {
  it("computes the worked example 943 476 591 → 9", () => expect(checkDigitFor("943476591")).toBe(9));
  it("maps a result of 11 to 0", () => expect(checkDigitFor("999100010")).toBe(0));
  it("has no check digit when the rule yields 10", () => expect(checkDigitFor("999123456")).toBeUndefined());
});
