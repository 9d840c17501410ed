/** The events domain's vocabulary: inbound change signals and what became of each in the inbox. */
import type { NotableChange } from "../patients/national-change.ts";
import type { NhsNumber } from "../patients/nhs-number.ts";

/** How MNS delivered the signal: a CloudEvent, or a FHIR R4 `history` Bundle. */
export type SignalFormat = "cloudevent" | "fhir";

/** Which intake adapter received it (HTTP now; SQS and MESH pollers would be further adapters). */
export type IntakeChannel = "http" | "sqs" | "mesh";

/** The MNS event types this service subscribes to. */
export const PATIENT_EVENT_TYPES = [
  "pds-record-change-2",
  "pds-death-notification-2",
  "pds-change-of-gp-2",
  "nhs-number-change-2",
] as const;

/**
 * A validated change signal: a prompt to re-read PDS, never data to apply. Its content is only
 * used to find the patient and to tell an old signal from a new one.
 */
export interface ChangeSignal {
  readonly format: SignalFormat;
  /** CloudEvent `id`, or the Bundle `id`: with `source`, the de-duplication key. */
  readonly externalId: string;
  /** The producer (CloudEvent `source`, or the `source` part of the FHIR signal). */
  readonly source: string;
  readonly type: string;
  /** The NHS number the event is about (for number changes: the superseded or invalidated one). */
  readonly subject: NhsNumber;
  /** PDS `meta.versionId` of the record after the change, when the signal carries it. */
  readonly pdsVersion: number | null;
  /** When the change happened, as the producer says. */
  readonly occurredAt: Date | null;
}

/**
 * Where an event is in the inbox:
 * - `pending`: waiting for a worker (new, or waiting to retry after `nextAttemptAt`);
 * - `claimed`: a worker is processing it until `leaseUntil` (after that anyone may take it over);
 * - `processed`: PDS was re-read and the result applied, or found stale;
 * - `skipped`: the patient is not in the local index (recorded, nothing to do);
 * - `dead`: gave up after the maximum attempts (or a failure no retry can fix); `lastError` says why.
 */
export type EventStatus = "pending" | "claimed" | "processed" | "skipped" | "dead";
export const EVENT_STATUSES: readonly EventStatus[] = ["pending", "claimed", "processed", "skipped", "dead"];

/**
 * What processing an event found. `stale`: what PDS holds (or we already applied) is at least as
 * new as this event, so it changed nothing; `not_in_index`: no local patient has the number.
 */
export type EventOutcome =
  | "applied"
  | "rekeyed"
  | "rekey_conflict"
  | "invalidated"
  | "not_found"
  | "stale"
  | "not_in_index";

/** One event as the inbox holds it (the raw body and the NHS number stay sealed at rest). */
export interface InboxEvent {
  readonly id: string;
  readonly source: string;
  readonly externalId: string;
  readonly channel: IntakeChannel;
  readonly format: SignalFormat;
  readonly type: string;
  /** Blind index of the subject NHS number; the number itself is sealed in `payloadSealed`. */
  readonly subjectIndex: string;
  readonly pdsVersion: number | null;
  readonly occurredAt: Date | null;
  readonly receivedAt: Date;
  readonly correlationId: string;
  /** The subject and the raw body, sealed (see sealed-event.ts). */
  readonly payloadSealed: string;
  readonly contentType: string;
  readonly status: EventStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly outcome: EventOutcome | null;
  readonly notable: readonly NotableChange[];
  readonly patientId: string | null;
  readonly processedAt: Date | null;
  /** Raised by each replay, so a replayed processing is told apart from the first one. */
  readonly generation: number;
}

/** A new row for the inbox, sealed and ready to store. */
export interface NewInboxEvent {
  readonly id: string;
  readonly source: string;
  readonly externalId: string;
  readonly channel: IntakeChannel;
  readonly format: SignalFormat;
  readonly type: string;
  readonly subjectIndex: string;
  readonly pdsVersion: number | null;
  readonly occurredAt: Date | null;
  readonly receivedAt: Date;
  readonly correlationId: string;
  readonly contentType: string;
  readonly payloadSealed: string;
  /** The intake process storing it. */
  readonly intakeInstance: string;
}
