/**
 * The EPR's own patient list: the simulated part of the simulator. Each patient is a fixed patient
 * of the PDS simulator (simulators/pds/fixtures), recorded here the way a local EPR might hold
 * them: sometimes exactly as PDS has them, sometimes with a local mistake, without a number, or
 * with a number that PDS has since replaced. Each case is one hand-over outcome NCRS Connect must
 * handle; `expect` says which, for people reading the list.
 */

export const MRN_SYSTEM = "https://riverside-epr.example/Id/mrn";
export const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

export type CaseId =
  | "matches"
  | "different-birth-date"
  | "misspelt-name"
  | "no-nhs-number"
  | "invalid-nhs-number"
  | "superseded"
  | "restricted"
  | "user-hint-mismatch";

export interface EprPatient {
  mrn: string;
  case: CaseId;
  /** What NCRS Connect should make of the hand-over, in words. */
  expect: string;
  nhsNumber?: string;
  family: string;
  given: string[];
  birthDate: string;
  gender: "male" | "female" | "other" | "unknown";
  address?: { line: string[]; postalCode: string };
  /** The desktop link names another CIS2 user than the one signed in to the EPR. */
  otherUserHint?: true;
}

export const PATIENTS: readonly EprPatient[] = [
  {
    mrn: "RVR100001",
    case: "matches",
    expect: "Matches PDS: verified, no confirmation needed",
    nhsNumber: "9991000054",
    family: "Hartley",
    given: ["Oscar", "James"],
    birthDate: "1984-03-14",
    gender: "male",
    address: { line: ["12 Elm Grove", "Headingley", "LEEDS"], postalCode: "LS6 2AB" },
  },
  {
    mrn: "RVR100002",
    case: "different-birth-date",
    expect: "Date of birth differs from PDS (30 November 1972): the user must confirm",
    nhsNumber: "9991000038",
    family: "Iqbal",
    given: ["Mohammed", "Asif"],
    birthDate: "1972-11-03",
    gender: "male",
    address: { line: ["48 Whetley Hill", "BRADFORD", "West Yorkshire"], postalCode: "BD8 8NN" },
  },
  {
    mrn: "RVR100003",
    case: "misspelt-name",
    expect: "Family name misspelt (PDS: O'Neill): the user must confirm",
    nhsNumber: "9991000046",
    family: "O'Neil",
    given: ["Siobhan", "Mary"],
    birthDate: "2001-05-09",
    gender: "female",
    address: {
      line: ["Room 112", "Carlton Hall", "5 Cavendish Road", "MANCHESTER"],
      postalCode: "M20 1JG",
    },
  },
  {
    mrn: "RVR100004",
    case: "no-nhs-number",
    expect: "No NHS number recorded: refused",
    family: "GARTON",
    given: ["Bill"],
    birthDate: "1946-06-23",
    gender: "female",
    address: { line: ["1 MOUNT AVENUE", "BARTON-UPON-HUMBER", "S HUMBERSIDE"], postalCode: "DN18 5DW" },
  },
  {
    mrn: "RVR100005",
    case: "invalid-nhs-number",
    // The last digit is mistyped: 999100003 takes check digit 8.
    expect: "NHS number fails its check digit: refused",
    nhsNumber: "9991000039",
    family: "Hartley",
    given: ["Amelia"],
    birthDate: "1984-03-14",
    gender: "female",
    address: { line: ["Flat 4", "27 Hyde Park Road", "LEEDS"], postalCode: "LS6 1AG" },
  },
  {
    mrn: "RVR100006",
    case: "superseded",
    expect: "NHS number superseded by 999 100 0100: nothing proceeds until confirmed",
    nhsNumber: "9991000003",
    family: "Hartley",
    given: ["Amelia"],
    birthDate: "1984-03-14",
    gender: "female",
    address: { line: ["Flat 4", "27 Hyde Park Road", "LEEDS"], postalCode: "LS6 1AG" },
  },
  {
    mrn: "RVR100007",
    case: "restricted",
    // PDS withholds a restricted patient's address, so the EPR's own copy is not sent either.
    expect: "Restricted record (R): verified without location data",
    nhsNumber: "9991000070",
    family: "Price",
    given: ["Daniel"],
    birthDate: "1995-12-24",
    gender: "male",
  },
  {
    mrn: "RVR100008",
    case: "user-hint-mismatch",
    expect: "Desktop link names another CIS2 user: refused (shared workstation)",
    nhsNumber: "9732110317",
    family: "Sanderson",
    given: ["Adrian"],
    birthDate: "1936-06-21",
    gender: "male",
    address: { line: ["3984 Tomika Greens"], postalCode: "ZY5T2PX" },
    otherUserHint: true,
  },
];

export function findPatient(mrn: string): EprPatient | undefined {
  return PATIENTS.find((patient) => patient.mrn === mrn);
}

export function displayName(patient: EprPatient): string {
  return `${patient.given.join(" ")} ${patient.family}`;
}

/** The patient as a FHIR R4 Patient, as the EPR sends it in every hand-over. */
export function fhirPatient(patient: EprPatient): Record<string, unknown> {
  const identifier: { system: string; value: string }[] = [];
  if (patient.nhsNumber) identifier.push({ system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber });
  identifier.push({ system: MRN_SYSTEM, value: patient.mrn });
  return {
    resourceType: "Patient",
    identifier,
    name: [{ family: patient.family, given: [...patient.given] }],
    birthDate: patient.birthDate,
    gender: patient.gender,
    ...(patient.address
      ? { address: [{ line: [...patient.address.line], postalCode: patient.address.postalCode }] }
      : {}),
  };
}
