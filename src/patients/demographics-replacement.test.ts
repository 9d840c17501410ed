import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { confirmable, replacementOf } from "./demographics-replacement.ts";
import type { NationalPatient } from "./national-patient.ts";
import { nhsNumber } from "./nhs-number.ts";
import { DEMOGRAPHIC_FIELDS, type Demographics, type Patient, type Provenance } from "./patient.types.ts";

const AT = new Date("2026-12-01T09:00:00Z");
const LOCAL: Provenance = { source: "local", recordedAt: new Date("2020-01-01T00:00:00Z"), pdsVersion: null };
const rec = <T>(value: T) => ({ value, provenance: LOCAL });

const fullLocal: Demographics = {
  name: rec({ given: ["Jane"], family: "Smith" }),
  birthDate: rec("2010-10-22"),
  gender: rec("female"),
  address: rec({ lines: ["1 Trevelyan Square"], postalCode: "LS1 6AE" }),
  phone: rec("01632960587"),
  email: rec("jane@example.com"),
  gpOdsCode: rec("Y12345"),
  death: null,
};

function patient(demographics: Demographics): Patient {
  return {
    id: "p1",
    mrn: "RX1-000108",
    nhsNumber: { kind: "valid", value: nhsNumber("9000000009") },
    supersededNhsNumbers: [],
    demographics,
    confidentiality: "unrestricted",
    verification: { status: "unverified", reason: null, at: null, by: null },
    updatedAt: AT,
  };
}

function national(overrides: Partial<NationalPatient> = {}): NationalPatient {
  return {
    nhsNumber: nhsNumber("9000000009"),
    versionId: "7",
    nhsNumberVerificationStatus: "01",
    confidentiality: "unrestricted",
    name: null,
    birthDate: null,
    gender: null,
    address: null,
    phone: null,
    email: null,
    gpOdsCode: null,
    death: null,
    ...overrides,
  };
}

describe("replacementOf", () => {
  it("local details erased by replace: a PDS record holding only an identifier and meta leaves every local value as it was", () => {
    const { demographics, rows } = replacementOf(patient(fullLocal), national(), AT);
    expect(demographics).toEqual(fullLocal);
    expect(rows.filter((r) => r.change !== "neither").every((r) => r.change === "kept")).toBe(true);
  });

  it("takes each value PDS holds, with PDS's provenance, and names the change field by field", () => {
    const { demographics, rows } = replacementOf(
      patient(fullLocal),
      national({ name: { given: ["JANE"], family: "SMITH" }, address: { lines: ["48 Whetley Hill"] } }),
      AT,
    );
    expect(demographics.address).toEqual({
      value: { lines: ["48 Whetley Hill"] },
      provenance: { source: "pds", recordedAt: AT, pdsVersion: "7" },
    });
    expect(demographics.phone).toEqual(fullLocal.phone);
    const change = Object.fromEntries(rows.map((r) => [r.field, r.change]));
    expect(change).toMatchObject({ name: "same", address: "replaced", phone: "kept", death: "neither" });
  });

  it("never keeps the location data of a restricted record", () => {
    const { demographics, rows } = replacementOf(
      patient(fullLocal),
      national({ confidentiality: "restricted", name: { given: ["Jane"], family: "Smith" } }),
      AT,
    );
    expect([demographics.address, demographics.phone, demographics.email, demographics.gpOdsCode]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(rows.filter((r) => r.change === "withheld").map((r) => r.field)).toEqual([
      "address",
      "phone",
      "email",
      "gpOdsCode",
    ]);
  });

  it("for any local record and any unrestricted PDS record, no local value is lost unless PDS holds one", () => {
    const present = fc.record(
      Object.fromEntries(DEMOGRAPHIC_FIELDS.map((f) => [f, fc.boolean()])) as Record<
        (typeof DEMOGRAPHIC_FIELDS)[number],
        fc.Arbitrary<boolean>
      >,
    );
    fc.assert(
      fc.property(present, present, (localHas, pdsHas) => {
        const local = Object.fromEntries(
          DEMOGRAPHIC_FIELDS.map((f) => [f, localHas[f] ? (fullLocal[f] ?? rec(death)) : null]),
        ) as unknown as Demographics;
        const pds = national({
          name: pdsHas.name ? { given: ["Ann"], family: "Other" } : null,
          birthDate: pdsHas.birthDate ? "1999-01-01" : null,
          gender: pdsHas.gender ? "male" : null,
          address: pdsHas.address ? { lines: ["2 Lane"] } : null,
          phone: pdsHas.phone ? "0" : null,
          email: pdsHas.email ? "e@x" : null,
          gpOdsCode: pdsHas.gpOdsCode ? "Y1" : null,
          death: pdsHas.death ? death : null,
        });
        const { demographics } = replacementOf(patient(local), pds, AT);
        for (const field of DEMOGRAPHIC_FIELDS) {
          if (local[field] !== null) expect(demographics[field]).not.toBeNull();
          expect(demographics[field]?.provenance.source ?? null).toBe(
            pdsHas[field] ? "pds" : local[field] ? "local" : null,
          );
        }
      }),
    );
  });
});

const death = { dateTime: "2024-02-11", notificationStatus: "formal" as const };

describe("confirmable", () => {
  it("needs PDS to hold a name, a date of birth and a gender", () => {
    const full = { name: { given: ["A"], family: "B" }, birthDate: "2000-01-01", gender: "male" as const };
    expect(confirmable(national(full))).toBe(true);
    expect(confirmable(national({ ...full, name: null }))).toBe(false);
    expect(confirmable(national({ ...full, birthDate: null }))).toBe(false);
    expect(confirmable(national({ ...full, gender: null }))).toBe(false);
  });
});
