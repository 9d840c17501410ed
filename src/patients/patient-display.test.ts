import { describe, expect, it } from "vitest";
import { nhsNumber } from "./nhs-number.ts";
import {
  ageOn,
  displayAddress,
  displayDate,
  displayGender,
  displayName,
  displayNhsNumber,
  displayRestrictable,
  ukToday,
} from "./patient-display.ts";

describe("patient display rules", () => {
  it("writes names banner-style and never blank", () => {
    expect(displayName({ prefix: "MRS", given: ["jane", "Ann"], family: "Smith" })).toBe(
      "SMITH, Jane Ann (Mrs)",
    );
    expect(displayName({ given: [], family: "Garton" })).toBe("GARTON");
    expect(displayName(null)).toBe("Name not recorded");
  });

  it("writes full and partial dates", () => {
    expect(displayDate("1984-03-14")).toBe("14 March 1984");
    expect(displayDate("2010-10-22T00:00:00+00:00")).toBe("22 October 2010");
    expect(displayDate("1984-03")).toBe("March 1984");
    expect(displayDate("1984")).toBe("1984");
    expect(displayDate(null)).toBe("Not recorded");
  });

  it("works out age in whole years, and none for partial dates", () => {
    expect(ageOn("1984-03-14", "2026-03-13")).toBe(41);
    expect(ageOn("1984-03-14", "2026-03-14")).toBe(42);
    expect(ageOn("1984-03", "2026-03-14")).toBeUndefined();
  });

  it("says restricted instead of showing location data of restricted records", () => {
    const address = { lines: ["1 Road"], postalCode: "LS1 1AA" };
    expect(displayAddress(address, "unrestricted")).toBe("1 Road, LS1 1AA");
    expect(displayAddress(address, "restricted")).toBe("Restricted");
    expect(displayAddress(null, "unrestricted")).toBe("Not recorded");
    expect(displayRestrictable("07700 900123", "very_restricted")).toBe("Restricted");
  });

  it("distinguishes unknown from not recorded", () => {
    expect(displayGender("unknown")).toBe("Unknown");
    expect(displayGender(null)).toBe("Not recorded");
    expect(displayGender("female")).toBe("Female");
  });

  it("shows NHS numbers 3 3 4 and names what is wrong with the rest", () => {
    expect(displayNhsNumber({ kind: "valid", value: nhsNumber("9434765919") })).toBe("943 476 5919");
    expect(displayNhsNumber({ kind: "invalid", text: "9434765918" })).toBe(
      "9434765918 (not a valid NHS number)",
    );
    expect(displayNhsNumber({ kind: "none" })).toBe("No NHS number");
  });

  it("knows today's date in the UK", () => {
    expect(ukToday(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
  });
});
