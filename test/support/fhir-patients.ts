/** FHIR R4 Patients as a point-of-care system sends them, for hand-over tests. */

export const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
/** The sending system's own identifier system (the EPR simulator's). */
export const MRN_SYSTEM = "https://riverside-epr.example/Id/mrn";

/** Oscar Hartley as PDS holds him (and as the demonstration index does), under the system's `mrn`. */
export const hartley = (mrn: string, extra: Record<string, unknown> = {}) => ({
  resourceType: "Patient",
  identifier: [
    { system: NHS_NUMBER_SYSTEM, value: "9991000054" },
    { system: MRN_SYSTEM, value: mrn },
  ],
  name: [{ use: "official", family: "Hartley", given: ["Oscar", "James"], prefix: ["Mr"] }],
  birthDate: "1984-03-14",
  gender: "male",
  address: [{ use: "home", line: ["12 Elm Grove", "Headingley", "LEEDS"], postalCode: "LS6 2AB" }],
  ...extra,
});
