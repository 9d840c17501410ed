import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NHS_NUMBER_SYSTEM, type PatientProblem, readFhirPatient } from "./fhir-patient.ts";

const PDS_PATIENTS = new URL("../../../shared/fixtures/pds/patients/", import.meta.url);
const MRN = { system: "https://riverside-epr.example/Id/mrn", value: "RX1-000123" };

const patient = (extra: Record<string, unknown>) => ({
  resourceType: "Patient",
  identifier: [{ system: NHS_NUMBER_SYSTEM, value: "9000000009" }, MRN],
  ...extra,
});

describe("reading a FHIR R4 Patient sent by a point-of-care system", () => {
  it("reads every PDS fixture patient once the sending system's identifier is added, names and all", () => {
    const files = readdirSync(PDS_PATIENTS).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const resource = JSON.parse(readFileSync(new URL(file, PDS_PATIENTS), "utf8"));
      const reading = readFhirPatient({ ...resource, identifier: [...resource.identifier, MRN] });
      expect(reading.ok, file).toBe(true);
      if (!reading.ok) continue;
      expect(reading.patient.nhsNumber).toBe(resource.id);
      expect(reading.patient.systemIdentifier).toEqual(MRN);
      expect(reading.patient.demographics.birthDate).toBe(resource.birthDate ?? null);
    }
  });

  it("takes the official name, the home address (with its town) and leaves old ones", () => {
    const reading = readFhirPatient(
      patient({
        name: [
          { use: "old", family: "Jones", given: ["Jane"] },
          { use: "usual", family: "Smith", given: ["Janey"] },
          { use: "official", family: " Smith ", given: ["Jane", "Ann"], prefix: ["Mrs"] },
        ],
        birthDate: "1970-01-31",
        gender: "female",
        address: [
          { use: "old", line: ["1 Old Road"], postalCode: "LS1 1AA" },
          { use: "home", line: ["2 New Street"], city: "Leeds", postalCode: "LS2 2BB" },
        ],
      }),
    );
    expect(reading).toEqual({
      ok: true,
      patient: {
        nhsNumber: "9000000009",
        systemIdentifier: MRN,
        demographics: {
          name: { prefix: "Mrs", given: ["Jane", "Ann"], family: "Smith" },
          birthDate: "1970-01-31",
          gender: "female",
          address: { lines: ["2 New Street", "Leeds"], postalCode: "LS2 2BB" },
        },
      },
    });
  });

  it.each([
    ["no NHS number", { identifier: [MRN] }, "no_nhs_number", "Patient.identifier"],
    [
      "an empty NHS number",
      { identifier: [{ system: NHS_NUMBER_SYSTEM, value: " " }, MRN] },
      "no_nhs_number",
      "Patient.identifier[0].value",
    ],
    [
      "a wrong check digit",
      { identifier: [{ system: NHS_NUMBER_SYSTEM, value: "9000000008" }, MRN] },
      "invalid_nhs_number",
      "Patient.identifier[0].value",
    ],
    [
      "two different NHS numbers",
      {
        identifier: [
          { system: NHS_NUMBER_SYSTEM, value: "9000000009" },
          { system: NHS_NUMBER_SYSTEM, value: "9000000017" },
          MRN,
        ],
      },
      "conflicting_nhs_numbers",
      "Patient.identifier[1].value",
    ],
    [
      "no identifier of the system's own",
      { identifier: [{ system: NHS_NUMBER_SYSTEM, value: "9000000009" }] },
      "no_system_identifier",
      "Patient.identifier",
    ],
    [
      "its own identifier without a system",
      { identifier: [{ system: NHS_NUMBER_SYSTEM, value: "9000000009" }, { value: "RX1" }] },
      "no_system_identifier",
      "Patient.identifier[1]",
    ],
    ["an element R4 has not got", { nhsNumber: "9000000009" }, "not_r4_patient", "Patient.nhsNumber"],
    ["a name that is not a list", { name: { family: "Smith" } }, "not_r4_patient", "Patient.name"],
    [
      "a given name that is not text",
      { name: [{ family: "Smith", given: [7] }] },
      "not_r4_patient",
      "Patient.name[0].given",
    ],
    [
      "a birth date that is not a FHIR date",
      { birthDate: "31/01/1970" },
      "not_r4_patient",
      "Patient.birthDate",
    ],
    ["a gender R4 does not know", { gender: "F" }, "not_r4_patient", "Patient.gender"],
  ] as const)("refuses %s with its own code and the path, never the value", (_name, extra, problem, path) => {
    const reading = readFhirPatient(patient(extra));
    expect(reading).toEqual({ ok: false, problem, path });
    expect(JSON.stringify(reading)).not.toContain("900000000");
  });

  it("refuses what is not a Patient at all", () => {
    for (const resource of [null, "Patient", [], { resourceType: "Practitioner" }, {}])
      expect(readFhirPatient(resource)).toMatchObject({ ok: false, problem: "not_r4_patient" });
  });
});

// Valid R4 Patients, as a sending system might build them, for the property below.
const text = fc.string({ minLength: 0, maxLength: 30 });
const fhirDate = fc
  .date({ min: new Date("1900-01-01"), max: new Date("2030-12-31"), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom(d.toISOString().slice(0, 10), d.toISOString().slice(0, 7), d.toISOString().slice(0, 4)),
  );
const identifier = fc.oneof(
  fc.record({
    system: fc.constant(NHS_NUMBER_SYSTEM),
    value: fc.oneof(fc.stringMatching(/^[0-9]{10}$/), text),
  }),
  fc.record({ system: fc.webUrl(), value: text }, { requiredKeys: [] }),
);
const humanName = fc.record(
  {
    use: fc.constantFrom("usual", "official", "temp", "nickname", "anonymous", "old", "maiden"),
    family: text,
    given: fc.array(text, { maxLength: 3 }),
    prefix: fc.array(text, { maxLength: 2 }),
    text,
  },
  { requiredKeys: [] },
);
const address = fc.record(
  {
    use: fc.constantFrom("home", "work", "temp", "old", "billing"),
    line: fc.array(text, { maxLength: 4 }),
    city: text,
    district: text,
    postalCode: text,
  },
  { requiredKeys: [] },
);
const r4Patient = fc.record(
  {
    resourceType: fc.constant("Patient"),
    id: fc.stringMatching(/^[A-Za-z0-9.-]{1,64}$/),
    active: fc.boolean(),
    identifier: fc.array(identifier, { maxLength: 4 }),
    name: fc.array(humanName, { maxLength: 3 }),
    gender: fc.constantFrom("male", "female", "other", "unknown"),
    birthDate: fhirDate,
    address: fc.array(address, { maxLength: 3 }),
    telecom: fc.array(fc.record({ system: fc.constantFrom("phone", "email"), value: text }), {
      maxLength: 2,
    }),
    deceasedBoolean: fc.boolean(),
  },
  { requiredKeys: ["resourceType"] },
);
const PROBLEMS: readonly PatientProblem[] = [
  "not_r4_patient",
  "no_nhs_number",
  "invalid_nhs_number",
  "conflicting_nhs_numbers",
  "no_system_identifier",
];

describe("any valid R4 Patient", () => {
  it("maps, or is refused with a code and a path (and is never refused as not R4)", () => {
    fc.assert(
      fc.property(r4Patient, (resource) => {
        const reading = readFhirPatient(resource);
        if (reading.ok) {
          expect(reading.patient.nhsNumber).toMatch(/^[0-9]{10}$/);
          expect(reading.patient.systemIdentifier.system.length).toBeGreaterThan(0);
        } else {
          expect(PROBLEMS).toContain(reading.problem);
          expect(reading.problem).not.toBe("not_r4_patient");
          expect(reading.path).toMatch(/^Patient\./);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("and any JSON at all is read without throwing", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          r4Patient.map((p) => ({ ...p, extra: 1 })),
        ),
        (value) => {
          expect(() => readFhirPatient(value)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});
