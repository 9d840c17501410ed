/**
 * Applying what PDS now says about a local patient, after a national change event told us to
 * look: only when the record read is newer than the one we hold (events arrive late, twice and out
 * of order), once, and with the safety facts first. Identity changes put a verified patient back
 * to "check again"; a superseded number re-keys the patient; an invalidated one blocks launches.
 */
import type { Events } from "../domain-events.ts";
import type { Clock } from "../platform/clock.ts";
import { decideChange, type NotableChange, versionNumber } from "./national-change.ts";
import type { DemographicsReadResult, NationalPatient } from "./national-patient.ts";
import type { Patient, Provenance, VerificationState } from "./patient.types.ts";
import type { PatientRepository } from "./patients.ports.ts";

export type ChangeOutcome = "applied" | "stale" | "rekeyed" | "rekey_conflict" | "invalidated" | "not_found";

export interface AppliedChange {
  readonly outcome: ChangeOutcome;
  readonly notable: readonly NotableChange[];
  readonly version: number | null;
}

export interface NationalChangeDeps {
  readonly patients: PatientRepository;
  readonly events: Events;
  readonly clock: Clock;
}

export class NationalChangeService {
  readonly #deps: NationalChangeDeps;

  constructor(deps: NationalChangeDeps) {
    this.#deps = deps;
  }

  /** Applies a fresh PDS read to the patient; says what happened. */
  async apply(
    patient: Patient,
    result: DemographicsReadResult,
    correlationId: string,
  ): Promise<AppliedChange> {
    const held = await this.#deps.patients.nationalState(patient.id);
    const decision = decideChange(result, {
      version: held.version,
      snapshot: held.snapshot,
      verified: patient.verification.status === "verified",
      deceased: patient.demographics.death !== null,
    });
    if (decision.kind === "stale")
      return this.#done(
        patient,
        { outcome: "stale", notable: [], version: decision.readVersion },
        correlationId,
      );
    const now = this.#deps.clock.now();
    if (result.kind === "invalidated" || result.kind === "not_found") {
      await this.#deps.patients.saveVerification(patient.id, { status: result.kind, at: now }, now);
      return this.#done(
        patient,
        {
          outcome: result.kind === "invalidated" ? "invalidated" : "not_found",
          notable: decision.notable,
          version: null,
        },
        correlationId,
      );
    }
    const national = result.patient;
    if (result.kind === "superseded") {
      const state: VerificationState = {
        status: "needs_reverification",
        reason: "changed",
        at: now,
        previous: previousOf(patient),
      };
      const moved =
        patient.nhsNumber.kind === "valid" &&
        (await this.#deps.patients.rekey(
          patient.id,
          patient.nhsNumber.value,
          national.nhsNumber,
          state,
          now,
        ));
      if (!moved) {
        await this.#deps.patients.saveVerification(
          patient.id,
          { status: "superseded", survivingNhsNumber: national.nhsNumber, at: now },
          now,
        );
        return this.#done(
          patient,
          { outcome: "rekey_conflict", notable: decision.notable, version: null },
          correlationId,
        );
      }
    }
    await this.#applyRecord(patient, national, decision.notable, now);
    return this.#done(
      patient,
      {
        outcome: result.kind === "superseded" ? "rekeyed" : "applied",
        notable: decision.notable,
        version: versionNumber(national.versionId),
      },
      correlationId,
    );
  }

  async #applyRecord(
    patient: Patient,
    national: NationalPatient,
    notable: readonly NotableChange[],
    now: Date,
  ): Promise<void> {
    const provenance: Provenance = { source: "pds", recordedAt: now, pdsVersion: national.versionId };
    await this.#deps.patients.applyNationalFacts(
      patient.id,
      {
        confidentiality: national.confidentiality,
        death: national.death ? { value: national.death, provenance } : null,
      },
      now,
    );
    if (national.gpOdsCode !== (patient.demographics.gpOdsCode?.value ?? null)) {
      await this.#deps.patients.saveGp(
        patient.id,
        national.gpOdsCode ? { value: national.gpOdsCode, provenance } : null,
        now,
      );
    }
    if (notable.includes("verification_needed")) {
      await this.#deps.patients.saveVerification(
        patient.id,
        { status: "needs_reverification", reason: "changed", at: now, previous: previousOf(patient) },
        now,
      );
    }
    await this.#deps.patients.saveNationalState(patient.id, versionNumber(national.versionId), national, now);
  }

  async #done(patient: Patient, applied: AppliedChange, correlationId: string): Promise<AppliedChange> {
    await this.#deps.events.emit("patient.national_change_applied", {
      correlationId,
      patientId: patient.id,
      nhsNumber: patient.nhsNumber.kind === "valid" ? patient.nhsNumber.value : null,
      outcome: applied.outcome,
      notable: applied.notable,
      pdsVersion: applied.version,
    });
    return applied;
  }
}

function previousOf(patient: Patient): { at: Date; pdsVersion: string } | null {
  const v = patient.verification;
  return v.status === "verified" ? { at: v.at, pdsVersion: v.pdsVersion } : null;
}
