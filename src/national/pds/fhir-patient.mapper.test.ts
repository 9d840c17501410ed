import type { Patient } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { isCurrent, PatientMappingError, toNationalPatient } from "./fhir-patient.mapper.ts";

const NOW = new Date("2025-06-15T10:00:00Z");

/** A record in PDS's shape with the parts these tests vary; everything else absent. */
function patient(extra: Partial<Patient> = {}, security = "U"): Patient {
  return {
    resourceType: "Patient",
    id: "9991000038",
    meta: {
      versionId: "4",
      security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code: security }],
    },
    ...extra,
  };
}

const locationData: Partial<Patient> = {
  address: [{ use: "home", line: ["1 High Street", "LEEDS"], postalCode: "LS1 1AA" }],
  telecom: [
    { system: "phone", value: "01632960000" },
    { system: "email", value: "someone@example.com" },
  ],
  generalPractitioner: [{ type: "Organization", identifier: { value: "Y90002" } }],
};

function deathStatus(code: string): Patient["extension"] {
  return [
    {
      url: "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus",
      extension: [{ url: "deathNotificationStatus", valueCodeableConcept: { coding: [{ code }] } }],
    },
  ];
}

describe("toNationalPatient", () => {
  it("hides location data, contacts and GP of restricted and very restricted records even when present", () => {
    for (const code of ["R", "V"]) {
      const mapped = toNationalPatient(patient(locationData, code), NOW);
      expect(mapped).toMatchObject({ address: null, phone: null, email: null, gpOdsCode: null });
    }
    expect(toNationalPatient(patient(locationData, "U"), NOW)).toMatchObject({
      address: { lines: ["1 High Street", "LEEDS"], postalCode: "LS1 1AA" },
      phone: "01632960000",
      email: "someone@example.com",
      gpOdsCode: "Y90002",
    });
  });

  it("treats REDACTED, unknown and missing security labels as very restricted, never less", () => {
    for (const code of ["REDACTED", "N", ""]) {
      const mapped = toNationalPatient(patient(locationData, code), NOW);
      expect(mapped).toMatchObject({ confidentiality: "very_restricted", address: null, gpOdsCode: null });
    }
    const unlabelled = patient(locationData);
    unlabelled.meta = { versionId: "1" };
    expect(toNationalPatient(unlabelled, NOW).confidentiality).toBe("very_restricted");
  });

  it("reads U, R and V as given", () => {
    expect(toNationalPatient(patient({}, "U"), NOW).confidentiality).toBe("unrestricted");
    expect(toNationalPatient(patient({}, "R"), NOW).confidentiality).toBe("restricted");
    expect(toNationalPatient(patient({}, "V"), NOW).confidentiality).toBe("very_restricted");
  });

  it("refuses an id that is not a valid NHS number, and a record without a version", () => {
    expect(() => toNationalPatient(patient({ id: "9991000039" }), NOW)).toThrow(PatientMappingError);
    expect(() => toNationalPatient(patient({ id: "not-a-number" }), NOW)).toThrow(PatientMappingError);
    const unversioned = patient();
    unversioned.meta = { security: [{ code: "U" }] };
    expect(() => toNationalPatient(unversioned, NOW)).toThrow(/versionId/);
  });

  it("prefers the usual name, else the first", () => {
    const names = patient({
      name: [
        { use: "old", given: ["Mo"], family: "Iqbal" },
        { use: "usual", prefix: ["Mr", "Dr"], given: ["Mohammed", "Asif"], family: "Iqbal" },
      ],
    });
    expect(toNationalPatient(names, NOW).name).toEqual({
      prefix: "Mr Dr",
      given: ["Mohammed", "Asif"],
      family: "Iqbal",
    });
    const firstOnly = patient({ name: [{ use: "nickname", given: ["Mo"], family: "Iqbal" }] });
    expect(toNationalPatient(firstOnly, NOW).name).toEqual({ given: ["Mo"], family: "Iqbal" });
  });

  it("picks the current home address, else the first current one", () => {
    const addresses = patient({
      address: [
        { use: "temp", line: ["Temp"], period: { start: "2024-01-01" } },
        { use: "home", line: ["Old home"], period: { start: "2000-01-01", end: "2024-12-31" } },
        { use: "home", line: ["New home"], period: { start: "2025-01-01" } },
      ],
    });
    expect(toNationalPatient(addresses, NOW).address).toEqual({ lines: ["New home"] });
    const noCurrentHome = patient({
      address: [
        { use: "home", line: ["Old home"], period: { end: "2025-06-14" } },
        { use: "work", line: ["Office"] },
      ],
    });
    expect(toNationalPatient(noCurrentHome, NOW).address).toEqual({ lines: ["Office"] });
    const allEnded = patient({ address: [{ use: "home", line: ["Gone"], period: { end: "2021-12-31" } }] });
    expect(toNationalPatient(allEnded, NOW).address).toBeNull();
  });

  it("takes only current phone numbers and email addresses", () => {
    const telecom = patient({
      telecom: [
        { system: "phone", value: "01632960001", period: { end: "2020-01-01" } },
        { system: "other", value: "01632960009" },
        { system: "phone", value: "07700900002" },
        { system: "email", value: "old@example.com", period: { end: "2024-01-01T00:00:00+00:00" } },
      ],
    });
    expect(toNationalPatient(telecom, NOW)).toMatchObject({ phone: "07700900002", email: null });
  });

  it("an expired GP is taken as current: takes only a GP whose period has not ended", () => {
    const gp = (value: string, end?: string) => ({
      type: "Organization" as const,
      identifier: { value, ...(end === undefined ? {} : { period: { start: "2019-01-01", end } }) },
    });
    // The PDS sandbox's 9000000009 gives its GP this shape: registered 2020 to the end of 2021.
    expect(
      toNationalPatient(patient({ generalPractitioner: [gp("Y12345", "2021-12-31")] }), NOW),
    ).toMatchObject({ gpOdsCode: null });
    expect(
      toNationalPatient(patient({ generalPractitioner: [gp("Y12345", "2021-12-31"), gp("Y90002")] }), NOW)
        .gpOdsCode,
    ).toBe("Y90002");
    expect(
      toNationalPatient(patient({ generalPractitioner: [gp("Y90003", "2025-06")] }), NOW).gpOdsCode,
    ).toBe("Y90003");
  });

  it("maps the death notification status codes", () => {
    const cases = { "1": "informal", "2": "formal", U: "removed", "9": null } as const;
    for (const [code, status] of Object.entries(cases)) {
      const dead = patient({ deceasedDateTime: "2024-02-11", extension: deathStatus(code) });
      expect(toNationalPatient(dead, NOW).death).toEqual({
        dateTime: "2024-02-11",
        notificationStatus: status,
      });
    }
    expect(toNationalPatient(patient({ deceasedDateTime: "2024" }), NOW).death).toEqual({
      dateTime: "2024",
      notificationStatus: null,
    });
    expect(toNationalPatient(patient({ extension: deathStatus("2") }), NOW).death).toBeNull();
  });

  it("keeps partial birth dates and reads the verification status from the NHS number identifier", () => {
    const mapped = toNationalPatient(
      patient({
        birthDate: "1972-11",
        gender: "unknown",
        identifier: [
          {
            system: "https://fhir.nhs.uk/Id/nhs-number",
            value: "9991000038",
            extension: [
              {
                url: "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus",
                valueCodeableConcept: { coding: [{ code: "02" }] },
              },
            ],
          },
        ],
      }),
      NOW,
    );
    expect(mapped).toMatchObject({
      birthDate: "1972-11",
      gender: "unknown",
      nhsNumberVerificationStatus: "02",
    });
  });
});

describe("isCurrent", () => {
  it("lets a date-only or partial end last to the end of its day, month or year", () => {
    expect(isCurrent({ end: "2025-06-15" }, NOW)).toBe(true);
    expect(isCurrent({ end: "2025-06-14" }, NOW)).toBe(false);
    expect(isCurrent({ end: "2025-06" }, NOW)).toBe(true);
    expect(isCurrent({ end: "2025" }, NOW)).toBe(true);
    expect(isCurrent({ end: "2024" }, NOW)).toBe(false);
    expect(isCurrent({ end: "2025-06-15T09:59:59Z" }, NOW)).toBe(false);
    expect(isCurrent({ start: "2020-01-01" }, NOW)).toBe(true);
    expect(isCurrent(undefined, NOW)).toBe(true);
  });
});
