/**
 * Payloads of the events domain's domain events. They join the one table in src/domain-events.ts;
 * until then services take a typed `emit` for just these (`EmitEventsEvent`), which the shared bus
 * satisfies once the rows are added. Audit and metrics subscribe like to any other domain event.
 *
 * The NHS number is the event's subject, for the audit trail to protect and index like every other
 * NHS number it records; it is never put in logs or metrics labels.
 */
import type { Actor } from "../identity/identity.events.ts";
import type { NotableChange } from "../patients/national-change.ts";
import type { NhsNumber } from "../patients/nhs-number.ts";
import type { EventOutcome, IntakeChannel, SignalFormat } from "./event.types.ts";

/**
 * A new event was validated and durably stored (emitted before it is acknowledged). At least once:
 * a receipt not confirmed because the process died is reported again by a later sweep.
 */
export interface EventReceived {
  readonly correlationId: string;
  /** `<inbox id>/received`: the same if a crash makes us report the receipt again. */
  readonly dedupeKey: string;
  readonly inboxId: string;
  readonly externalId: string;
  readonly source: string;
  readonly eventType: string;
  readonly format: SignalFormat;
  readonly channel: IntakeChannel;
  readonly nhsNumber: NhsNumber;
  readonly pdsVersion: number | null;
}

/** The same event (source and id) arrived again: acknowledged, not stored again. */
export interface EventDuplicateReceived {
  readonly correlationId: string;
  readonly externalId: string;
  readonly source: string;
  readonly eventType: string;
  readonly channel: IntakeChannel;
  readonly nhsNumber: NhsNumber;
}

/** A delivery was refused (bad signature, invalid, unsupported type): nothing was stored. */
export interface EventRejected {
  readonly correlationId: string;
  readonly channel: IntakeChannel;
  /** The error code, e.g. `events.signature_invalid`. */
  readonly code: string;
}

/**
 * An event was processed. At least once per processing: `dedupeKey` is the same every time the
 * same processing is reported (it changes only with a replay), so a durable subscriber that keys
 * its record on it stores exactly one record per processing even if a crash made us report twice.
 */
export interface EventProcessed {
  readonly correlationId: string;
  readonly dedupeKey: string;
  readonly inboxId: string;
  readonly externalId: string;
  readonly eventType: string;
  readonly nhsNumber: NhsNumber;
  readonly patientId: string | null;
  readonly outcome: EventOutcome;
  readonly notable: readonly NotableChange[];
  /** The version the event announced, if any. */
  readonly pdsVersion: number | null;
  readonly attempts: number;
  /** 0 for the first processing, raised by each replay. */
  readonly generation: number;
}

/** Processing failed on an upstream problem and will be tried again. */
export interface EventRetryScheduled {
  readonly correlationId: string;
  readonly inboxId: string;
  readonly eventType: string;
  readonly nhsNumber: NhsNumber;
  readonly attempts: number;
  readonly code: string;
  readonly retryAt: Date;
}

/** Processing gave up: after the maximum attempts, or on a failure no retry can fix. */
export interface EventDeadLettered {
  readonly correlationId: string;
  /** `<inbox id>/<generation>`, as for `event.processed`. */
  readonly dedupeKey: string;
  readonly inboxId: string;
  readonly externalId: string;
  readonly eventType: string;
  readonly nhsNumber: NhsNumber;
  readonly attempts: number;
  readonly reason: string;
}

/** Someone asked for events to be processed again (processing is idempotent, so this is safe). */
export interface EventReplayed {
  readonly correlationId: string;
  readonly scope: "one" | "range" | "dead" | "all";
  /** Events put back in the queue. */
  readonly count: number;
  /** The one event, for scope "one". */
  readonly inboxId: string | null;
  /** The received-time range, for scope "range" (ISO 8601). */
  readonly from: string | null;
  readonly to: string | null;
  /** Who asked: a signed-in administrator, or the operations CLI. */
  readonly by: Actor | { readonly cli: string };
}

/** The events domain's rows for src/domain-events.ts. */
export interface EventsDomainEvents {
  "event.received": EventReceived;
  "event.duplicate_received": EventDuplicateReceived;
  "event.rejected": EventRejected;
  "event.processed": EventProcessed;
  "event.retry_scheduled": EventRetryScheduled;
  "event.dead_lettered": EventDeadLettered;
  "event.replayed": EventReplayed;
}

export const EVENTS_DOMAIN_EVENT_NAMES: readonly (keyof EventsDomainEvents)[] = [
  "event.received",
  "event.duplicate_received",
  "event.rejected",
  "event.processed",
  "event.retry_scheduled",
  "event.dead_lettered",
  "event.replayed",
];

/** Emits one of this domain's events and waits for every subscriber (the audit trail included). */
export type EmitEventsEvent = <K extends keyof EventsDomainEvents>(
  name: K,
  payload: EventsDomainEvents[K],
) => Promise<void>;
