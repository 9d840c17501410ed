/** What the events domain needs from outside; adapters in storage/ and the composition implement it. */
import type { NotableChange } from "../patients/national-change.ts";
import type { EventOutcome, EventStatus, InboxEvent, NewInboxEvent } from "./event.types.ts";

/**
 * The keyed blind index of NHS numbers, so events can be grouped by patient and found by number
 * without storing the number in clear. The audit trail's `NhsNumberProtection`
 * (src/platform/nhs-number-protection.ts) fits: the inbox indexes numbers exactly as the audit does,
 * with the same keys, so one search finds both.
 */
export interface NhsNumberIndexer {
  /** Every index value the number may be stored under, one per index key, the newest key last. */
  indexesOf(nhsNumber: string): string[];
}

/** Encrypts a raw event body at rest, bound to its record. */
export interface PayloadSealer {
  seal(recordId: string, text: string): string;
  open(recordId: string, sealed: string): string;
}

export type StoreOutcome = "stored" | "duplicate";

/** Intake's side of the inbox. */
export interface InboxIntakeStore {
  /**
   * Stores the event unless one with the same source and external id is already there, decided by
   * the unique key in one statement. Resolves only once the row is durably committed.
   */
  store(event: NewInboxEvent): Promise<StoreOutcome>;
  /**
   * Records that every event this intake instance stored up to `reportedThrough` has been
   * reported, and that the instance is alive at `now`.
   */
  markIntake(instance: string, reportedThrough: Date, now: Date): Promise<void>;
  /** The instance stopped with everything reported. */
  endIntake(instance: string): Promise<void>;
}

/** How one claimed event ended. */
export interface Completion {
  readonly id: string;
  readonly status: Extract<EventStatus, "processed" | "skipped">;
  readonly outcome: EventOutcome;
  readonly notable: readonly NotableChange[];
  readonly patientId: string | null;
}

/** The workers' side of the inbox. Every change to a claimed row checks the claim is still ours. */
export interface InboxWorkStore {
  /**
   * Claims every waiting event of up to `maxSubjects` subjects (a subject: one NHS number), counting
   * an attempt on each, so a burst about one patient is processed together. Events whose claim has
   * lapsed (a worker died) are claimed again.
   */
  claim(workerId: string, now: Date, leaseMs: number, maxSubjects: number): Promise<InboxEvent[]>;
  /** Extends this worker's claims and patient holds. */
  renew(workerId: string, now: Date, leaseMs: number): Promise<void>;
  /** Takes the patient for this worker, unless another live worker holds it. */
  holdPatient(patientId: string, workerId: string, now: Date, leaseMs: number): Promise<boolean>;
  releasePatient(patientId: string, workerId: string): Promise<void>;
  /** Gives claimed events back, uncounted, to be claimed again from `at`. */
  defer(ids: readonly string[], workerId: string, at: Date): Promise<void>;
  /**
   * Records outcomes in one transaction and marks them due for reporting at `reportDueAt`; returns
   * the ids that were still this worker's (only those may be reported).
   */
  complete(
    completions: readonly Completion[],
    workerId: string,
    now: Date,
    reportDueAt: Date,
  ): Promise<string[]>;
  /** The domain events of these processed events were emitted. */
  markReported(ids: readonly string[]): Promise<void>;
  /** Finished events whose report was never confirmed, re-leased for reporting until `reportDueAt`. */
  takeUnreported(now: Date, reportDueAt: Date, limit: number): Promise<InboxEvent[]>;
  /**
   * An intake instance that stopped beating before `staleBefore`, taken over (its mark is renewed
   * at `now`, so no other sweep takes it) with the events it stored after its last mark.
   */
  takeAbandonedIntake(
    now: Date,
    staleBefore: Date,
  ): Promise<{ instance: string; events: InboxEvent[] } | null>;
  /** Every receipt of that instance was reported again. */
  forgetIntake(instance: string): Promise<void>;
  /** Back to waiting until `at`; false if the claim was no longer ours. */
  scheduleRetry(id: string, workerId: string, at: Date, code: string): Promise<boolean>;
  /** Gives up on the event, due for reporting at `reportDueAt`; false if the claim was no longer ours. */
  deadLetter(id: string, workerId: string, reason: string, now: Date, reportDueAt: Date): Promise<boolean>;
}

/** Filters for the admin list; all optional. */
export interface InboxFilter {
  readonly status?: EventStatus;
  readonly type?: string;
  /** Blind-index values of an NHS number (any matches). */
  readonly subjectIndexes?: readonly string[];
  readonly receivedFrom?: Date;
  readonly receivedTo?: Date;
  /** Page cursor: events received before this one (by received time, then id). */
  readonly before?: { readonly receivedAt: Date; readonly id: string };
}

export type ReplaySelection =
  | { readonly kind: "one"; readonly id: string }
  | { readonly kind: "range"; readonly from: Date; readonly to: Date }
  | { readonly kind: "dead" }
  | { readonly kind: "all" };

/** The inbox's numbers for operations. */
export interface InboxCounts {
  readonly byStatus: Readonly<Record<EventStatus, number>>;
  /** Waiting or being processed. */
  readonly backlog: number;
  /** Received time of the oldest event not yet processed, skipped or dead. */
  readonly oldestUnprocessedAt: Date | null;
}

/** A processed event that changed something a clinician should know about. */
export interface NotableRecord {
  readonly inboxId: string;
  readonly patientId: string;
  readonly notable: readonly NotableChange[];
  readonly processedAt: Date;
}

/** Inspection, replay and the notification feed. */
export interface InboxAdminStore {
  find(
    id: string,
  ): Promise<(InboxEvent & { readonly contentType: string; readonly payloadSealed: string }) | undefined>;
  list(filter: InboxFilter, limit: number): Promise<InboxEvent[]>;
  counts(): Promise<InboxCounts>;
  /**
   * Puts finished events (processed, skipped, dead) back in the queue with a new generation, in one
   * statement. For "one": "claimed" when it is being processed, "missing" when there is no such event.
   */
  replay(selection: ReplaySelection, now: Date): Promise<number | "claimed" | "missing">;
  /** Events with notable changes processed since `since` (oldest first). */
  notableSince(since: Date, limit: number): Promise<NotableRecord[]>;
}
