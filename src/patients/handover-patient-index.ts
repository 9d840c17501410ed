/**
 * The local patient a hand-over is about: found again by the sending system's own identifier, else
 * by the NHS number (and the identifier linked to them), else added with what was sent, each detail
 * marked as sent by that system. An identifier that already names a patient with another NHS
 * number is a conflict: nothing is changed.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../platform/clock.ts";
import type { HandedOverPatient } from "./fhir-patient.ts";
import { localDifferences, sentDemographics } from "./handover-comparison.ts";
import type { NhsNumber } from "./nhs-number.ts";
import type { Patient, Provenance } from "./patient.types.ts";
import type { PatientRepository, SystemIdentifierRepository } from "./patients.ports.ts";

export interface FoundPatient {
  readonly patient: Patient;
  /** Whether the hand-over added the patient. */
  readonly created: boolean;
  /** Fields where what was sent differs from the local record (which is kept). */
  readonly local: readonly string[];
}

export class HandoverPatientIndex {
  readonly #deps: {
    readonly patients: PatientRepository;
    readonly identifiers: SystemIdentifierRepository;
    readonly clock: Clock;
  };

  constructor(deps: {
    readonly patients: PatientRepository;
    readonly identifiers: SystemIdentifierRepository;
    readonly clock: Clock;
  }) {
    this.#deps = deps;
  }

  async findOrCreate(
    sent: HandedOverPatient,
    clientId: string,
  ): Promise<FoundPatient | "identifier_conflict"> {
    const { system, value } = sent.systemIdentifier;
    const linked = await this.#deps.identifiers.find(system, value);
    let patient = linked === undefined ? undefined : await this.#deps.patients.findById(linked);
    if (patient && !holds(patient, sent.nhsNumber)) return "identifier_conflict";
    let created = false;
    if (!patient) {
      patient = await this.#deps.patients.findByAnyNhsNumber(sent.nhsNumber);
      if (!patient) {
        patient = await this.#create(sent, clientId);
        created = true;
      }
      const holder = await this.#deps.identifiers.link({
        system,
        value,
        patientId: patient.id,
        clientId: clientId,
        at: this.#deps.clock.now(),
      });
      if (holder !== patient.id) return "identifier_conflict";
    }
    return { patient, created, local: created ? [] : localDifferences(patient, sent) };
  }

  /** A new local patient from what was sent, each detail marked as sent by the system. */
  async #create(sent: HandedOverPatient, clientId: string): Promise<Patient> {
    const now = this.#deps.clock.now();
    const provenance: Provenance = { source: "local", recordedAt: now, pdsVersion: null, sentBy: clientId };
    const id = randomUUID();
    const taken = (await this.#deps.patients.search({ kind: "mrn", value: sent.systemIdentifier.value }, 1))
      .length;
    try {
      await this.#deps.patients.insert({
        id,
        // The system's own number is its hospital number here, unless another system's holds it.
        mrn: taken ? `${sent.systemIdentifier.value} (${clientId})` : sent.systemIdentifier.value,
        nhsNumberText: sent.nhsNumber,
        demographics: sentDemographics(sent, provenance),
        createdAt: now,
      });
    } catch (error) {
      // A hand-over of the same patient racing this one added them first: use theirs.
      const raced = await this.#deps.patients.findByAnyNhsNumber(sent.nhsNumber);
      if (raced) return raced;
      throw error;
    }
    const patient = await this.#deps.patients.findById(id);
    if (!patient) throw new Error("patient vanished after insert");
    return patient;
  }
}

/** Whether the patient is the one this NHS number names (now, or before a re-key). */
function holds(patient: Patient, nhs: NhsNumber): boolean {
  return (
    (patient.nhsNumber.kind === "valid" && patient.nhsNumber.value === nhs) ||
    patient.supersededNhsNumbers.includes(nhs)
  );
}
