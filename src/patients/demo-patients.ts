/**
 * Demonstration patients for a local run (seeded when DEV_SEED_DEMO_PATIENTS is on). Their NHS
 * numbers are patients of the PDS simulator, chosen to show every case: details that match, details
 * that differ from PDS, a superseded number, an invalidated one, restricted and deceased patients, a
 * record with poor data at PDS, no NHS number, and a mistyped one.
 */
import type { Gender, PersonName, PostalAddress } from "./national-patient.ts";

export interface DemoPatient {
  readonly mrn: string;
  readonly nhsNumber?: string;
  readonly name?: PersonName;
  readonly birthDate?: string;
  readonly gender?: Gender;
  readonly address?: PostalAddress;
  readonly phone?: string;
  readonly email?: string;
  readonly gpOdsCode?: string;
  /** What this patient demonstrates (documentation only). */
  readonly shows: string;
}

export const DEMO_PATIENTS: readonly DemoPatient[] = [
  {
    mrn: "RX1-000101",
    nhsNumber: "9991000054",
    name: { prefix: "Mr", given: ["Oscar", "James"], family: "Hartley" },
    birthDate: "1984-03-14",
    gender: "male",
    address: { lines: ["12 Elm Grove", "Headingley", "LEEDS"], postalCode: "LS6 2AB" },
    gpOdsCode: "Y90002",
    shows: "local details match PDS",
  },
  {
    mrn: "RX1-000102",
    nhsNumber: "9991000046",
    name: { prefix: "Ms", given: ["Siobhan", "Mary"], family: "O'Neill" },
    birthDate: "2001-05-09",
    gender: "female",
    address: { lines: ["Room 112", "Carlton Hall", "5 Cavendish Road", "MANCHESTER"], postalCode: "M20 1JG" },
    gpOdsCode: "Y90003",
    shows: "local details match PDS",
  },
  {
    mrn: "RX1-000103",
    nhsNumber: "9991000038",
    name: { prefix: "Mr", given: ["Mohammed"], family: "Iqbal" },
    birthDate: "1972-11-03",
    gender: "male",
    address: { lines: ["12 Manningham Lane", "BRADFORD"], postalCode: "BD1 3EA" },
    phone: "01274 960123",
    gpOdsCode: "Y90002",
    shows: "local date of birth and address differ from PDS",
  },
  {
    mrn: "RX1-000104",
    nhsNumber: "9991000003",
    name: { prefix: "Miss", given: ["Amelia"], family: "Hartley" },
    birthDate: "1984-03-14",
    gender: "female",
    address: { lines: ["Flat 4", "27 Hyde Park Road", "LEEDS"], postalCode: "LS6 1AG" },
    gpOdsCode: "Y90003",
    shows: "superseded NHS number (PDS answers with 999 100 0100)",
  },
  {
    mrn: "RX1-000105",
    nhsNumber: "9991000011",
    name: { prefix: "Mr", given: ["Oliver"], family: "Thompson" },
    birthDate: "1990-07-01",
    gender: "male",
    address: { lines: ["3 Mill Lane", "YORK"], postalCode: "YO1 7HH" },
    shows: "invalidated NHS number",
  },
  {
    mrn: "RX1-000106",
    nhsNumber: "9991000070",
    name: { prefix: "Mr", given: ["Daniel"], family: "Price" },
    birthDate: "1995-12-24",
    gender: "male",
    shows: "restricted record (no address, phone or GP shown)",
  },
  {
    mrn: "RX1-000107",
    nhsNumber: "9991000062",
    name: { prefix: "Mrs", given: ["Margaret", "Ellen"], family: "Whitfield" },
    birthDate: "1931-09-02",
    gender: "female",
    address: { lines: ["The Old Vicarage", "Church Street", "WHITBY"], postalCode: "YO22 4AE" },
    gpOdsCode: "Y90002",
    shows: "deceased at PDS, not yet locally",
  },
  {
    mrn: "RX1-000108",
    nhsNumber: "9000000009",
    name: { prefix: "Mrs", given: ["Jane"], family: "Smith" },
    birthDate: "2010-10-22",
    gender: "female",
    address: { lines: ["1 Trevelyan Square", "Boar Lane", "Leeds"], postalCode: "LS1 6AE" },
    gpOdsCode: "Y12345",
    shows: "PDS sandbox patient (deceased at PDS)",
  },
  {
    mrn: "RX1-000109",
    nhsNumber: "9693632109",
    name: { prefix: "Mr", given: ["Bill"], family: "Garton" },
    birthDate: "1946-06-23",
    gender: "male",
    address: { lines: ["1 Mount Avenue", "Barton-upon-Humber"], postalCode: "DN18 5DW" },
    gpOdsCode: "A20047",
    shows: "PDS writes the name in capitals and a different gender",
  },
  {
    mrn: "RX1-000110",
    nhsNumber: "9000000033",
    name: { given: ["Chris"], family: "Minimal" },
    birthDate: "1980-01-01",
    gender: "unknown",
    shows: "PDS holds almost nothing (poor data quality)",
  },
  {
    mrn: "RX1-000111",
    name: { prefix: "Ms", given: ["Priya"], family: "Shah" },
    birthDate: "1988-08-18",
    gender: "female",
    address: { lines: ["9 Park Row", "LEEDS"], postalCode: "LS1 5HD" },
    shows: "no NHS number recorded locally",
  },
  {
    mrn: "RX1-000112",
    nhsNumber: "9434765918",
    name: { prefix: "Mr", given: ["Tom"], family: "Baker" },
    birthDate: "1962-04-03",
    gender: "male",
    shows: "local NHS number fails the check digit (typing error)",
  },
  {
    mrn: "RX1-000114",
    nhsNumber: "9993000000",
    name: { prefix: "Mr", given: ["Sam"], family: "Nolan" },
    birthDate: "1977-02-28",
    gender: "male",
    shows: "NHS number PDS has no record of",
  },
  {
    mrn: "RX1-000113",
    nhsNumber: "9992000031",
    name: { given: ["Unavailable"], family: "Scenario" },
    birthDate: "2000-01-04",
    gender: "male",
    shows: "PDS simulator answers 503 for this number",
  },
];
