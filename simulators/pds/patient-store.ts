/**
 * The simulator's in-memory PDS: patient records plus their NHS-number state (active, superseded
 * by a survivor, or invalidated). Everything handed out is a copy, so callers cannot change the
 * store behind its back, and every change goes through here so `meta.versionId` always moves.
 */
import type { Patient } from "fhir/r4.js";
import type { InitialData } from "./fixtures.ts";

export type RecordState =
  | { status: "active" }
  | { status: "superseded"; survivor: string }
  | { status: "invalidated" };

export interface StoredPatient {
  nhsNumber: string;
  state: RecordState;
  patient: Patient;
}

export type ReadResult =
  | { kind: "found"; patient: Patient }
  | { kind: "not-found" }
  | { kind: "invalidated" };

export type ChangeResult =
  | { ok: true; record: StoredPatient }
  | { ok: false; reason: "not-found" | "conflict"; message: string };

/** Chains of supersession are followed at most this far, which also stops a cycle. */
const MAX_SUPERSEDE_HOPS = 10;

function bumpVersion(patient: Patient): void {
  const current = Number.parseInt(patient.meta?.versionId ?? "0", 10);
  patient.meta = { ...patient.meta, versionId: String((Number.isFinite(current) ? current : 0) + 1) };
}

export class PatientStore {
  readonly #initial: InitialData;
  #records = new Map<string, StoredPatient>();

  constructor(initial: InitialData) {
    this.#initial = initial;
    this.reset();
  }

  /** Restores the data the simulator started with, dropping every change made since. */
  reset(): void {
    this.#records = new Map();
    for (const patient of this.#initial.patients) {
      const nhsNumber = patient.id ?? "";
      this.#records.set(nhsNumber, {
        nhsNumber,
        state: { status: "active" },
        patient: structuredClone(patient),
      });
    }
    for (const { nhsNumber, survivor } of this.#initial.changes.superseded) {
      this.#requireRecord(nhsNumber).state = { status: "superseded", survivor };
    }
    for (const nhsNumber of this.#initial.changes.invalidated) {
      this.#requireRecord(nhsNumber).state = { status: "invalidated" };
    }
  }

  /** Reads as PDS does: a superseded number yields the surviving record, an invalidated one a tombstone. */
  read(nhsNumber: string): ReadResult {
    let record = this.#records.get(nhsNumber);
    for (let hops = 0; record && record.state.status === "superseded" && hops < MAX_SUPERSEDE_HOPS; hops++) {
      record = this.#records.get(record.state.survivor);
    }
    if (!record) return { kind: "not-found" };
    if (record.state.status === "invalidated") return { kind: "invalidated" };
    if (record.state.status === "superseded") return { kind: "not-found" };
    return { kind: "found", patient: structuredClone(record.patient) };
  }

  /** A copy of the stored record whatever its state, for the control API. */
  get(nhsNumber: string): StoredPatient | undefined {
    const record = this.#records.get(nhsNumber);
    return record ? structuredClone(record) : undefined;
  }

  /** Copies of the records a search may return: active ones only. */
  activePatients(): Patient[] {
    return [...this.#records.values()]
      .filter((record) => record.state.status === "active")
      .map((record) => structuredClone(record.patient));
  }

  /** Applies `change` to an active record and bumps its version. */
  update(nhsNumber: string, change: (patient: Patient) => void): ChangeResult {
    const record = this.#records.get(nhsNumber);
    if (!record) return { ok: false, reason: "not-found", message: `No patient ${nhsNumber}` };
    if (record.state.status !== "active") {
      return { ok: false, reason: "conflict", message: `Patient ${nhsNumber} is ${record.state.status}` };
    }
    const draft = structuredClone(record.patient);
    change(draft);
    bumpVersion(draft);
    record.patient = draft;
    return { ok: true, record: structuredClone(record) };
  }

  /** Marks `nhsNumber` as merged into `survivor`, as PDS does when two records are the same person. */
  supersede(nhsNumber: string, survivor: string): ChangeResult {
    const record = this.#records.get(nhsNumber);
    const target = this.#records.get(survivor);
    if (!record) return { ok: false, reason: "not-found", message: `No patient ${nhsNumber}` };
    if (!target) return { ok: false, reason: "not-found", message: `No survivor ${survivor}` };
    if (nhsNumber === survivor)
      return { ok: false, reason: "conflict", message: "A record cannot supersede itself" };
    if (record.state.status !== "active" || target.state.status !== "active") {
      return { ok: false, reason: "conflict", message: "Both records must be active" };
    }
    record.state = { status: "superseded", survivor };
    bumpVersion(record.patient);
    return { ok: true, record: structuredClone(record) };
  }

  /** Marks an active record as invalidated: reads then answer 404 INVALIDATED_RESOURCE. */
  invalidate(nhsNumber: string): ChangeResult {
    const record = this.#records.get(nhsNumber);
    if (!record) return { ok: false, reason: "not-found", message: `No patient ${nhsNumber}` };
    if (record.state.status !== "active") {
      return { ok: false, reason: "conflict", message: `Patient ${nhsNumber} is ${record.state.status}` };
    }
    record.state = { status: "invalidated" };
    bumpVersion(record.patient);
    return { ok: true, record: structuredClone(record) };
  }

  #requireRecord(nhsNumber: string): StoredPatient {
    const record = this.#records.get(nhsNumber);
    if (!record) throw new Error(`NHS-number change refers to unknown patient ${nhsNumber}`);
    return record;
  }
}
