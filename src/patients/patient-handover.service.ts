/**
 * A point-of-care system hands over the patient its user already chose: a FHIR R4 Patient, read by
 * fhir-patient.ts, becomes a patient context of the user's session bound to the system's window,
 * checked with PDS. The system's own identifier finds the same local patient every time; a new one
 * is added with what was sent (marked as sent by that system); an existing one keeps its details
 * (differences are reported and recorded, never written over). Whether the user must confirm is
 * the same rule as the confirmation page's: only a record that agrees with PDS on name, date of
 * birth and gender, both as sent and as held, is verified without asking.
 */
import { createHash } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Session } from "../identity/identity.types.ts";
import { actorOf } from "../identity/session.service.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { type HandedOverPatient, type PatientProblem, readFhirPatient } from "./fhir-patient.ts";
import { handoverErrors } from "./handover.errors.ts";
import { type ComparedHandover, compareHandover, type SentComparison } from "./handover-comparison.ts";
import { HandoverPatientIndex } from "./handover-patient-index.ts";
import type { NationalPatient } from "./national-patient.ts";
import type { NhsNumber } from "./nhs-number.ts";
import { isVerifiedNow, type Patient } from "./patient.types.ts";
import type { PatientContextService } from "./patient-context.service.ts";
import type { HandoverSource, HandoverStatus } from "./patients.events.ts";
import type {
  HandoverRequestRepository,
  PatientRepository,
  SystemIdentifierRepository,
} from "./patients.ports.ts";
import type { VerificationService } from "./verification.service.ts";

export interface HandoverDeps {
  readonly patients: PatientRepository;
  readonly identifiers: SystemIdentifierRepository;
  readonly requests: HandoverRequestRepository;
  readonly contexts: PatientContextService;
  readonly verification: VerificationService;
  readonly events: Events;
  readonly clock: Clock;
  readonly staleAfterSeconds: number;
}

export interface HandoverRequest {
  /** The FHIR R4 Patient, as sent. */
  readonly patient: unknown;
  readonly encounter: string | null;
  /** The sending system's name for the window or tab the patient is open in. */
  readonly windowId: unknown;
  readonly clientId: string;
  readonly source: HandoverSource;
  readonly idempotencyKey: string | null;
  readonly correlationId: string;
}

export interface HandoverAnswer {
  readonly replayed: boolean;
  readonly contextId: string;
  readonly patientId: string;
  /** The PDS check the confirmation page shows, when one was made. */
  readonly checkId: string | null;
  readonly status: Exclude<HandoverStatus, "refused">;
  readonly mustConfirm: boolean;
  readonly launchable: boolean;
  readonly survivingNhsNumber: NhsNumber | null;
  /** What was sent beside what PDS holds, field by field (as the confirmation page shows them). */
  readonly differences: readonly SentComparison[];
}

const WINDOW_ID = /^[A-Za-z0-9._-]{1,64}$/;
const IDEMPOTENCY_SECONDS = 24 * 3600;

/** Our tab id for a system's window: the same window always supersedes its own earlier patient. */
export function tabIdFor(clientId: string, windowId: string): string {
  return `w${createHash("sha256").update(`${clientId}\n${windowId}`).digest("base64url").slice(0, 31)}`;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

interface Checked {
  readonly status: HandoverAnswer["status"];
  readonly checkId: string | null;
  readonly national: NationalPatient | null;
  /** What was sent beside PDS's record, worked out once per hand-over. */
  readonly compared: ComparedHandover;
}

export class PatientHandoverService {
  readonly #deps: HandoverDeps;
  readonly #index: HandoverPatientIndex;

  constructor(deps: HandoverDeps) {
    this.#deps = deps;
    this.#index = new HandoverPatientIndex(deps);
  }

  /** Takes the patient over: throws AppErrors from `handoverErrors` (recorded) for what it refuses. */
  async receive(session: Session, request: HandoverRequest): Promise<HandoverAnswer> {
    const reading = readFhirPatient(request.patient);
    if (!reading.ok) return this.#refuse(session, request, reading.problem, { path: reading.path });
    if (typeof request.windowId !== "string" || !WINDOW_ID.test(request.windowId))
      return this.#refuse(session, request, "invalid_window", {});
    const sent = reading.patient;
    const keyHash = request.idempotencyKey === null ? null : sha256(request.idempotencyKey);
    const requestHash = sha256(JSON.stringify([request.patient, request.encounter, request.windowId]));
    if (keyHash) {
      const earlier = await this.#deps.requests.find(session.id, keyHash, this.#deps.clock.now());
      if (earlier && earlier.requestHash !== requestHash)
        return this.#refuse(session, request, "idempotency_key_reused", {});
      if (earlier) return this.#replay(session, sent, earlier);
    }
    const found = await this.#index.findOrCreate(sent, request.clientId);
    if (found === "identifier_conflict") return this.#refuse(session, request, "identifier_conflict", {});
    const { patient, created, local } = found;
    const contextId = await this.#deps.contexts.select(
      session,
      patient.id,
      tabIdFor(request.clientId, request.windowId),
      request.correlationId,
    );
    const checked = await this.#check(session, contextId, patient, sent, request.correlationId);
    if (keyHash) await this.#remember(session, keyHash, requestHash, contextId, checked);
    await this.#record(session, request, {
      patientId: patient.id,
      contextId,
      nhsNumber: sent.nhsNumber,
      status: checked.status,
      problem: null,
      createdPatient: created,
      localDifferences: local,
      identityDifferences: checked.compared.identityDifferences,
    });
    return answerOf(false, contextId, patient.id, checked);
  }

  /** A fresh verification that agrees with what was sent is reused; otherwise PDS is asked. */
  async #check(
    session: Session,
    contextId: string,
    patient: Patient,
    sent: HandedOverPatient,
    correlationId: string,
  ): Promise<Checked> {
    const verification = this.#deps.verification;
    if (isVerifiedNow(patient, this.#deps.clock.now(), this.#deps.staleAfterSeconds)) {
      const { snapshot } = await this.#deps.patients.nationalState(patient.id);
      const compared = snapshot ? compareHandover(sent, snapshot) : null;
      if (compared && agrees(compared))
        return { status: "verified", checkId: null, national: snapshot, compared };
    }
    let checkId: string;
    try {
      checkId = await verification.check(session, contextId, correlationId);
    } catch (error) {
      // PDS did not answer: the context stands, and the patient page offers the check again.
      if (error instanceof AppError && error.status >= 500)
        return {
          status: "unavailable",
          checkId: null,
          national: null,
          compared: compareHandover(sent, null),
        };
      throw error;
    }
    const view = await verification.view(session, contextId, checkId);
    const national = view.check.national;
    const outcome = view.check.outcome;
    const compared = compareHandover(sent, national);
    if (outcome !== "found") return { status: outcome, checkId, national, compared };
    if (!national) throw new Error("a found check holds PDS's record");
    if (!agrees(compared)) await this.#doubt(patient, compared);
    if (!(view.confirmable && agrees(compared) && view.identityAgrees))
      return { status: "needs_confirmation", checkId, national, compared };
    await verification.confirm(session, contextId, checkId, false, correlationId, "handover_match");
    return { status: "verified", checkId, national, compared };
  }

  /**
   * The system's record of this NHS number differs from PDS's: the patient needs confirming again
   * before anyone launches, whatever was verified before (the system may hold the wrong number).
   */
  async #doubt(patient: Patient, compared: ComparedHandover): Promise<void> {
    const fields = compared.rows
      .filter((r) => compared.identityDifferences.includes(r.field))
      .map((r) => r.label.toLowerCase());
    const now = this.#deps.clock.now();
    await this.#deps.patients.saveVerification(
      patient.id,
      {
        status: "unverified",
        reason: `the sending system's ${fields.join(", ")} ${fields.length === 1 ? "differs" : "differ"} from PDS; confirm it is the same person`,
        at: now,
        by: null,
      },
      now,
    );
  }

  async #replay(
    session: Session,
    sent: HandedOverPatient,
    earlier: { contextId: string; checkId: string | null; status: string },
  ): Promise<HandoverAnswer> {
    const { context } = await this.#deps.contexts.current(session, earlier.contextId);
    const national = earlier.checkId
      ? (await this.#deps.verification.view(session, earlier.contextId, earlier.checkId)).check.national
      : (await this.#deps.patients.nationalState(context.patientId)).snapshot;
    const checked: Checked = {
      status: earlier.status as Checked["status"],
      checkId: earlier.checkId,
      national,
      compared: compareHandover(sent, national),
    };
    return answerOf(true, context.id, context.patientId, checked);
  }

  async #remember(
    session: Session,
    keyHash: string,
    requestHash: string,
    contextId: string,
    checked: Checked,
  ): Promise<void> {
    const at = this.#deps.clock.now();
    await this.#deps.requests.save({
      sessionId: session.id,
      keyHash,
      requestHash,
      contextId,
      checkId: checked.checkId,
      status: checked.status,
      at,
      expiresAt: new Date(at.getTime() + IDEMPOTENCY_SECONDS * 1000),
    });
  }

  async #refuse(
    session: Session,
    request: HandoverRequest,
    problem: PatientProblem | "invalid_window" | "identifier_conflict" | "idempotency_key_reused",
    details: Record<string, unknown>,
  ): Promise<never> {
    const error = handoverErrors[problem];
    await this.#record(session, request, {
      patientId: null,
      contextId: null,
      nhsNumber: null,
      status: "refused",
      problem: error.code,
      createdPatient: false,
      localDifferences: [],
      identityDifferences: [],
    });
    throw new AppError(error, { details });
  }

  async #record(
    session: Session,
    request: HandoverRequest,
    outcome: {
      patientId: string | null;
      contextId: string | null;
      nhsNumber: NhsNumber | null;
      status: HandoverStatus;
      problem: string | null;
      createdPatient: boolean;
      localDifferences: readonly string[];
      identityDifferences: readonly string[];
    },
  ): Promise<void> {
    await this.#deps.events.emit("patient_context.received", {
      ...actorOf(session),
      correlationId: request.correlationId,
      source: request.source,
      clientId: request.clientId,
      encounter: request.encounter,
      ...outcome,
    });
  }
}

function answerOf(replayed: boolean, contextId: string, patientId: string, checked: Checked): HandoverAnswer {
  const status = checked.status;
  return {
    replayed,
    contextId,
    patientId,
    checkId: checked.checkId,
    status,
    mustConfirm: status === "needs_confirmation" || status === "superseded",
    launchable: status === "verified",
    survivingNhsNumber: status === "superseded" && checked.national ? checked.national.nhsNumber : null,
    differences: checked.compared.rows,
  };
}

/** Whether what was sent agrees with PDS on name, date of birth and gender. */
function agrees(compared: ComparedHandover): boolean {
  return compared.identityDifferences.length === 0;
}
