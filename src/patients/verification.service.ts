/**
 * Verifying a patient's NHS number against PDS, as a confirmation step: a check reads PDS and is
 * kept (so the decision is about exactly what the user saw); the user then confirms, says the
 * details do not match, or (for a superseded number) re-keys. Local demographics are only replaced
 * when the user asks. Safety facts from PDS (restricted record, death) apply as soon as PDS says so,
 * and numbers PDS calls invalidated or unknown are blocked at once.
 */
import { randomUUID } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Session } from "../identity/identity.types.ts";
import { actorOf } from "../identity/session.service.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { confirmable, type ReplacementRow, replacementOf } from "./demographics-replacement.ts";
import { versionNumber } from "./national-change.ts";
import type { DemographicsReadResult, DemographicsService } from "./national-patient.ts";
import type { NhsNumber } from "./nhs-number.ts";
import type { Patient, Provenance, VerificationState } from "./patient.types.ts";
import { type ComparisonRow, comparePatient, identityDifferences } from "./patient-comparison.ts";
import type { PatientContextService } from "./patient-context.service.ts";
import { patientErrors } from "./patients.errors.ts";
import type { VerificationBasis } from "./patients.events.ts";
import type { CheckDecision, PatientRepository, PdsCheck, PdsCheckRepository } from "./patients.ports.ts";

export interface VerificationDeps {
  readonly demographics: DemographicsService;
  readonly patients: PatientRepository;
  readonly checks: PdsCheckRepository;
  readonly contexts: PatientContextService;
  readonly events: Events;
  readonly clock: Clock;
  readonly checkTtlSeconds: number;
}

export interface CheckView {
  readonly check: PdsCheck;
  readonly patient: Patient;
  readonly rows: readonly ComparisonRow[];
  /** What "Also replace the local details with PDS's" would change, field by field. */
  readonly replacement: readonly ReplacementRow[];
  /** Whether PDS's record holds enough (name, date of birth, gender) to be confirmed as a match. */
  readonly confirmable: boolean;
  /** Whether the local record agrees with PDS's on name, date of birth and gender. */
  readonly identityAgrees: boolean;
}

const MAX_REASON = 200;

export class VerificationService {
  readonly #deps: VerificationDeps;

  constructor(deps: VerificationDeps) {
    this.#deps = deps;
  }

  /** Reads PDS for the patient in this context and records what it said; returns the check's id. */
  async check(session: Session, contextId: string, correlationId: string): Promise<string> {
    const { patient } = await this.#deps.contexts.current(session, contextId);
    if (patient.nhsNumber.kind !== "valid") throw new AppError(patientErrors.no_nhs_number);
    const requested = patient.nhsNumber.value;
    let result: DemographicsReadResult;
    try {
      result = await this.#deps.demographics.read(requested, {
        correlationId,
        refresh: true,
        onBehalfOf: { userId: session.user.id, sessionId: session.id },
      });
    } catch (error) {
      await this.#failed(
        session,
        patient,
        requested,
        "pds_unavailable",
        error instanceof AppError ? error.code : null,
        correlationId,
      );
      throw error;
    }
    await this.#applyOutcome(session, patient, result, correlationId);
    const now = this.#deps.clock.now();
    const check: PdsCheck = {
      id: randomUUID(),
      patientId: patient.id,
      sessionId: session.id,
      contextId,
      requestedNhsNumber: requested,
      outcome: result.kind,
      national: result.kind === "found" || result.kind === "superseded" ? result.patient : null,
      checkedAt: now,
      expiresAt: new Date(now.getTime() + this.#deps.checkTtlSeconds * 1000),
      decision: null,
      decidedAt: null,
    };
    await this.#deps.checks.insert(check);
    return check.id;
  }

  /** A check with the local details beside PDS's. */
  async view(session: Session, contextId: string, checkId: string): Promise<CheckView> {
    const { patient } = await this.#deps.contexts.current(session, contextId);
    const check = await this.#checkFor(session, contextId, checkId);
    const national = check.national;
    const rows = national ? comparePatient(patient, national) : [];
    return {
      check,
      patient,
      rows,
      identityAgrees: national !== null && identityDifferences(rows).length === 0,
      replacement: national ? replacementOf(patient, national, this.#deps.clock.now()).rows : [],
      confirmable: national !== null && confirmable(national),
    };
  }

  /**
   * The user confirms the details match: the NHS number is verified against this PDS version.
   * `basis` says who decided: the user on the confirmation page, or a hand-over whose details (as
   * sent and as held) agreed with PDS's (patient-handover.service.ts).
   */
  async confirm(
    session: Session,
    contextId: string,
    checkId: string,
    updateLocal: boolean,
    correlationId: string,
    basis: VerificationBasis = "user_confirmed",
  ): Promise<void> {
    const { patient, check, national } = await this.#decidable(session, contextId, checkId, "found");
    // A record without a name, birth date or gender cannot be told apart from someone else's.
    if (!confirmable(national)) throw new AppError(patientErrors.pds_incomplete);
    // What differed is read from the check itself, before any local detail is replaced.
    const differences = identityDifferences(comparePatient(patient, national));
    await this.#decide(check, updateLocal ? "confirmed_and_updated" : "confirmed");
    const now = this.#deps.clock.now();
    if (updateLocal)
      await this.#deps.patients.replaceDemographics(
        patient.id,
        replacementOf(patient, national, now).demographics,
        now,
      );
    // What was verified against becomes the record later change events are compared with.
    await this.#deps.patients.saveNationalState(patient.id, versionNumber(national.versionId), national, now);
    const actor = actorOf(session);
    await this.#deps.patients.saveVerification(
      patient.id,
      {
        status: "verified",
        by: { userId: actor.userId, userName: actor.userName },
        at: now,
        pdsVersion: national.versionId,
      },
      now,
    );
    await this.#deps.events.emit("patient.verified", {
      ...actor,
      correlationId,
      patientId: patient.id,
      nhsNumber: check.requestedNhsNumber,
      pdsVersion: national.versionId,
      updatedLocalDetails: updateLocal,
      identityDifferences: differences,
      basis,
    });
  }

  /** The user says the details do not match: the patient stays unverified, with the reason. */
  async reject(
    session: Session,
    contextId: string,
    checkId: string,
    reason: unknown,
    correlationId: string,
  ): Promise<void> {
    const text = typeof reason === "string" ? reason.trim() : "";
    if (text.length === 0 || text.length > MAX_REASON) throw new AppError(patientErrors.reason_required);
    const { patient, check } = await this.#decidable(session, contextId, checkId, "found");
    await this.#decide(check, "mismatch");
    const now = this.#deps.clock.now();
    const actor = actorOf(session);
    await this.#deps.patients.saveVerification(
      patient.id,
      { status: "unverified", reason: text, at: now, by: { userId: actor.userId, userName: actor.userName } },
      now,
    );
    await this.#failed(session, patient, check.requestedNhsNumber, "mismatch", text, correlationId);
  }

  /** For a superseded number: moves the local record to the surviving number (to be checked next). */
  async rekey(session: Session, contextId: string, checkId: string, correlationId: string): Promise<void> {
    const { patient, check, national } = await this.#decidable(session, contextId, checkId, "superseded");
    const now = this.#deps.clock.now();
    const state: VerificationState = {
      status: "unverified",
      reason: "Re-keyed to the surviving NHS number; check it with PDS",
      at: now,
      by: null,
    };
    if (
      !(await this.#deps.patients.rekey(patient.id, check.requestedNhsNumber, national.nhsNumber, state, now))
    ) {
      throw new AppError(patientErrors.rekey_conflict);
    }
    await this.#decide(check, "rekeyed");
    await this.#deps.events.emit("patient.rekeyed", {
      ...actorOf(session),
      correlationId,
      patientId: patient.id,
      from: check.requestedNhsNumber,
      to: national.nhsNumber,
    });
  }

  async #applyOutcome(
    session: Session,
    patient: Patient,
    result: DemographicsReadResult,
    correlationId: string,
  ): Promise<void> {
    const now = this.#deps.clock.now();
    if (result.kind === "found") {
      const provenance: Provenance = { source: "pds", recordedAt: now, pdsVersion: result.patient.versionId };
      const death = result.patient.death ? { value: result.patient.death, provenance } : null;
      await this.#deps.patients.applyNationalFacts(
        patient.id,
        { confidentiality: result.patient.confidentiality, death },
        now,
      );
      return;
    }
    const state: VerificationState =
      result.kind === "superseded"
        ? { status: "superseded", survivingNhsNumber: result.patient.nhsNumber, at: now }
        : { status: result.kind, at: now };
    await this.#deps.patients.saveVerification(patient.id, state, now);
    await this.#failed(session, patient, result.requested, result.kind, null, correlationId);
  }

  async #checkFor(session: Session, contextId: string, checkId: string): Promise<PdsCheck> {
    const check = await this.#deps.checks.find(checkId);
    if (!check || check.sessionId !== session.id || check.contextId !== contextId)
      throw new AppError(patientErrors.check_unknown);
    return check;
  }

  async #decidable(session: Session, contextId: string, checkId: string, outcome: "found" | "superseded") {
    const { patient } = await this.#deps.contexts.current(session, contextId);
    const check = await this.#checkFor(session, contextId, checkId);
    if (check.decision) throw new AppError(patientErrors.check_decided);
    if (check.expiresAt <= this.#deps.clock.now()) throw new AppError(patientErrors.check_expired);
    const sameNumber =
      patient.nhsNumber.kind === "valid" && patient.nhsNumber.value === check.requestedNhsNumber;
    if (check.outcome !== outcome || !check.national || !sameNumber)
      throw new AppError(patientErrors.check_not_applicable);
    return { patient, check, national: check.national };
  }

  async #decide(check: PdsCheck, decision: CheckDecision): Promise<void> {
    if (!(await this.#deps.checks.decide(check.id, decision, this.#deps.clock.now())))
      throw new AppError(patientErrors.check_decided);
  }

  async #failed(
    session: Session,
    patient: Patient,
    nhs: NhsNumber | null,
    outcome: "mismatch" | "superseded" | "invalidated" | "not_found" | "pds_unavailable",
    reason: string | null,
    correlationId: string,
  ): Promise<void> {
    await this.#deps.events.emit("patient.verification_failed", {
      ...actorOf(session),
      correlationId,
      patientId: patient.id,
      nhsNumber: nhs,
      outcome,
      reason,
    });
  }
}
