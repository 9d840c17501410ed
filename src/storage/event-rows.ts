/** Converting event inbox rows to the events domain's types and back (both dialects). */
import type { Selectable } from "kysely";
import type {
  EventOutcome,
  EventStatus,
  InboxEvent,
  IntakeChannel,
  NewInboxEvent,
  SignalFormat,
} from "../events/event.types.ts";
import type { NotableChange } from "../patients/national-change.ts";
import type { EventInboxTable } from "./events.schema.ts";

/** Statuses whose processing is over, so they may be replayed. */
export const FINISHED_STATUSES = ["processed", "skipped", "dead"] as const;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** An inbox row as the events domain sees it. */
export function toInboxEvent(row: Selectable<EventInboxTable>): InboxEvent {
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    channel: row.channel as IntakeChannel,
    format: row.format as SignalFormat,
    type: row.event_type,
    subjectIndex: row.subject_index,
    pdsVersion: row.pds_version,
    occurredAt: date(row.occurred_at),
    receivedAt: new Date(row.received_at),
    correlationId: row.correlation_id,
    payloadSealed: row.payload_sealed,
    contentType: row.content_type,
    status: row.status as EventStatus,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    lastError: row.last_error,
    outcome: row.outcome as EventOutcome | null,
    notable: row.notable_json ? (JSON.parse(row.notable_json) as NotableChange[]) : [],
    patientId: row.patient_id,
    processedAt: date(row.processed_at),
    generation: row.generation,
  };
}

/** A new row: waiting, due at once, generation 0. */
export function newRow(e: NewInboxEvent): Selectable<EventInboxTable> {
  return {
    id: e.id,
    source: e.source,
    external_id: e.externalId,
    channel: e.channel,
    format: e.format,
    event_type: e.type,
    subject_index: e.subjectIndex,
    pds_version: e.pdsVersion,
    occurred_at: e.occurredAt?.getTime() ?? null,
    received_at: e.receivedAt.getTime(),
    correlation_id: e.correlationId,
    content_type: e.contentType,
    payload_sealed: e.payloadSealed,
    status: "pending",
    attempts: 0,
    next_attempt_at: e.receivedAt.getTime(),
    claimed_by: null,
    lease_until: null,
    last_error: null,
    outcome: null,
    notable_json: null,
    patient_id: null,
    processed_at: null,
    generation: 0,
    report_due_at: null,
    intake_instance: e.intakeInstance,
  };
}
