/**
 * The local patient index: the point-of-care system's own list of patients, searchable by name,
 * NHS number, date of birth or hospital number.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { DEMO_PATIENTS, type DemoPatient } from "./demo-patients.ts";
import type { Demographics, Patient, Provenance } from "./patient.types.ts";
import { parseSearch } from "./patient-search.ts";
import { patientErrors } from "./patients.errors.ts";
import type { NewPatient, PatientRepository } from "./patients.ports.ts";

export const SEARCH_LIMIT = 50;

export interface PatientIndexDeps {
  readonly patients: PatientRepository;
  readonly clock: Clock;
}

export class PatientIndexService {
  readonly #deps: PatientIndexDeps;

  constructor(deps: PatientIndexDeps) {
    this.#deps = deps;
  }

  /** Patients matching the search box (at most SEARCH_LIMIT); throws patient.search_empty, patient.search_check_digit or patient.search_invalid. */
  search(text: string): Promise<Patient[]> {
    return this.#deps.patients.search(parseSearch(text), SEARCH_LIMIT);
  }

  async get(id: string): Promise<Patient> {
    const patient = await this.#deps.patients.findById(id);
    if (!patient) throw new AppError(patientErrors.not_found);
    return patient;
  }

  /** Fills an empty index with the demonstration patients; returns how many were added. */
  async seedDemoPatients(): Promise<number> {
    if ((await this.#deps.patients.count()) > 0) return 0;
    const now = this.#deps.clock.now();
    for (const demo of DEMO_PATIENTS) await this.#deps.patients.insert(toNewPatient(demo, now));
    return DEMO_PATIENTS.length;
  }
}

function toNewPatient(demo: DemoPatient, now: Date): NewPatient {
  const provenance: Provenance = { source: "local", recordedAt: now, pdsVersion: null };
  const rec = <T>(value: T | undefined) => (value === undefined ? null : { value, provenance });
  const demographics: Demographics = {
    name: rec(demo.name),
    birthDate: rec(demo.birthDate),
    gender: rec(demo.gender),
    address: rec(demo.address),
    phone: rec(demo.phone),
    email: rec(demo.email),
    gpOdsCode: rec(demo.gpOdsCode),
    death: null,
  };
  return {
    id: randomUUID(),
    mrn: demo.mrn,
    nhsNumberText: demo.nhsNumber ?? null,
    demographics,
    createdAt: now,
  };
}
