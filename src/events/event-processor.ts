/**
 * Processing one patient's waiting events, as a story: find the patient the events are about (or
 * record that we do not hold them), take the patient so no other worker applies changes at the
 * same time, re-read the truth from PDS once for the whole group (through the adapter: rate limit,
 * coalescing and cache apply), apply it through the patient domain only if it is newer than what
 * we hold, record every event's outcome in one transaction, and report each as a domain event.
 * Upstream failures put the events back to wait and retry, or dead-letter them.
 */
import type { NationalChangeService } from "../patients/national-change.service.ts";
import { decideChange, versionNumber } from "../patients/national-change.ts";
import type { DemographicsReadResult, DemographicsService } from "../patients/national-patient.ts";
import type { NhsNumber } from "../patients/nhs-number.ts";
import type { Patient } from "../patients/patient.types.ts";
import type { PatientRepository } from "../patients/patients.ports.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import type { InboxEvent } from "./event.types.ts";
import type { EventReporter } from "./event-reporter.ts";
import { eventErrors } from "./events.errors.ts";
import type { EmitEventsEvent } from "./events.events.ts";
import type { InboxWorkStore, PayloadSealer } from "./events.ports.ts";
import { completionsFor, type GroupResult, leadOf } from "./group-outcome.ts";
import { announcedVersion, isBehind, isFreshEnough } from "./read-freshness.ts";
import { decideRetry, failureCode, type RetryPolicy } from "./retry-policy.ts";
import { subjectOf } from "./sealed-event.ts";

const NUMBER_CHANGE = "nhs-number-change-2";

export interface ProcessorDeps {
  readonly store: InboxWorkStore;
  readonly sealer: PayloadSealer;
  readonly patients: Pick<PatientRepository, "findByAnyNhsNumber" | "findById" | "nationalState">;
  readonly demographics: DemographicsService;
  readonly nationalChanges: Pick<NationalChangeService, "apply">;
  readonly reporter: EventReporter;
  readonly emit: EmitEventsEvent;
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly leaseMs: number;
  readonly patientBusyRetryMs: number;
  readonly random?: () => number;
  /** Told when a processing found something a clinician with the patient open should see. */
  readonly onNotable?: () => void;
  readonly onFailure?: (code: string, error: unknown) => void;
}

export class EventProcessor {
  readonly #deps: ProcessorDeps;

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
  }

  /** Processes the claimed events of one subject (one NHS number). Never throws. */
  async processGroup(workerId: string, events: readonly InboxEvent[]): Promise<void> {
    const lead = leadOf(events);
    let heldPatientId: string | null = null;
    try {
      const subject = subjectOf(this.#deps.sealer, lead);
      const found = await this.#deps.patients.findByAnyNhsNumber(subject);
      if (!found) return await this.#finish(workerId, events, notInIndex());
      if (
        !(await this.#deps.store.holdPatient(found.id, workerId, this.#deps.clock.now(), this.#deps.leaseMs))
      ) {
        const later = new Date(this.#deps.clock.now().getTime() + this.#deps.patientBusyRetryMs);
        return await this.#deps.store.defer(
          events.map((e) => e.id),
          workerId,
          later,
        );
      }
      heldPatientId = found.id;
      // Read again now that we hold it: another worker may have changed it in the meantime.
      const patient = (await this.#deps.patients.findById(found.id)) ?? found;
      await this.#finish(workerId, events, await this.#resolve(patient, subject, events, lead.correlationId));
    } catch (error) {
      await this.#failed(workerId, events, error);
    } finally {
      if (heldPatientId) await this.#deps.store.releasePatient(heldPatientId, workerId).catch(() => {});
    }
  }

  /** What PDS now says, applied if newer than what we hold. */
  async #resolve(patient: Patient, subject: NhsNumber, events: readonly InboxEvent[], correlationId: string) {
    const current = patient.nhsNumber.kind === "valid" ? patient.nhsNumber.value : null;
    // Events about a number the patient has already moved on from were handled by that move.
    if (current === null || current !== subject) return stale(patient.id, false);
    const comparable = !events.some((e) => e.type === NUMBER_CHANGE);
    const held = await this.#deps.patients.nationalState(patient.id);
    const announced = comparable ? announcedVersion(events) : null;
    if (announced !== null && held.version !== null && announced <= held.version)
      return stale(patient.id, true);
    const result = await this.#read(current, events, comparable, correlationId);
    if (alreadyRecorded(patient, result)) return stale(patient.id, comparable);
    const decision = decideChange(result, {
      version: held.version,
      snapshot: held.snapshot,
      verified: patient.verification.status === "verified",
      deceased: patient.demographics.death !== null,
    });
    if (decision.kind === "stale") return stale(patient.id, comparable);
    const applied = await this.#deps.nationalChanges.apply(patient, result, correlationId);
    return {
      outcome: applied.outcome,
      notable: applied.notable,
      appliedVersion: result.kind === "found" ? versionNumber(result.patient.versionId) : null,
      patientId: patient.id,
      comparable,
    } satisfies GroupResult;
  }

  /** One read for the group; again past the cache if that answer predates the events. */
  async #read(nhs: NhsNumber, events: readonly InboxEvent[], comparable: boolean, correlationId: string) {
    let result: DemographicsReadResult = await this.#deps.demographics.read(nhs, { correlationId });
    if (isFreshEnough(result, events, comparable)) return result;
    result = await this.#deps.demographics.read(nhs, { correlationId, refresh: true });
    if (isBehind(result, events, comparable)) throw new AppError(eventErrors.pds_behind);
    return result;
  }

  async #finish(workerId: string, events: readonly InboxEvent[], result: GroupResult): Promise<void> {
    const completions = completionsFor(events, result);
    const now = this.#deps.clock.now();
    const done = new Set(
      await this.#deps.store.complete(completions, workerId, now, this.#deps.reporter.dueAt(now)),
    );
    const byId = new Map(events.map((e) => [e.id, e]));
    const items = completions.flatMap((completion) => {
      const event = byId.get(completion.id);
      return event && done.has(completion.id) ? [{ event, completion }] : [];
    });
    if (items.some((i) => i.completion.notable.length > 0)) this.#deps.onNotable?.();
    // Reporting failures are left to the sweep: the outcome is already durable.
    await this.#deps.reporter
      .report(items)
      .catch((error: unknown) => this.#deps.onFailure?.("report", error));
  }

  async #failed(workerId: string, events: readonly InboxEvent[], error: unknown): Promise<void> {
    const code = failureCode(error);
    this.#deps.onFailure?.(code, error);
    for (const event of events) {
      try {
        await this.#retryOrDeadLetter(workerId, event, error, code);
      } catch (storeError) {
        // The claim lapses and another attempt follows; nothing is lost.
        this.#deps.onFailure?.("store", storeError);
      }
    }
  }

  async #retryOrDeadLetter(workerId: string, event: InboxEvent, error: unknown, code: string): Promise<void> {
    const now = this.#deps.clock.now();
    const decision = decideRetry(error, event.attempts, now, this.#deps.retry, this.#deps.random);
    const subject = () => subjectOf(this.#deps.sealer, event);
    const base = { correlationId: event.correlationId, inboxId: event.id, eventType: event.type };
    if (decision.kind === "retry") {
      if (await this.#deps.store.scheduleRetry(event.id, workerId, decision.at, code))
        await this.#deps.emit("event.retry_scheduled", {
          ...base,
          nhsNumber: subject(),
          attempts: event.attempts,
          code,
          retryAt: decision.at,
        });
    } else if (
      await this.#deps.store.deadLetter(
        event.id,
        workerId,
        decision.reason,
        now,
        this.#deps.reporter.dueAt(now),
      )
    ) {
      await this.#deps.reporter.reportDead(event, decision.reason);
    }
  }
}

/**
 * PDS's answer is one the patient already carries (invalidated, not found, or a re-key that could
 * not be made): applying it again would change nothing but would tell clinicians again.
 */
function alreadyRecorded(patient: Patient, result: DemographicsReadResult): boolean {
  const v = patient.verification;
  if (result.kind === "invalidated" || result.kind === "not_found") return v.status === result.kind;
  return (
    result.kind === "superseded" &&
    v.status === "superseded" &&
    v.survivingNhsNumber === result.patient.nhsNumber
  );
}

function notInIndex(): GroupResult {
  return { outcome: "not_in_index", notable: [], appliedVersion: null, patientId: null, comparable: false };
}

function stale(patientId: string, comparable: boolean): GroupResult {
  return { outcome: "stale", notable: [], appliedVersion: null, patientId, comparable };
}
