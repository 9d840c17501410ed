/**
 * Tables of the national change event inbox (migration 0006-events), part of `DatabaseSchema`
 * (schema.ts); the events repositories need only these, so they are typed by `EventsSchema`.
 * Times are epoch milliseconds, JSON is text (docs/adr/0002).
 */

export interface EventInboxTable {
  /** Our id for the event (UUID). */
  id: string;
  /** Producer, with external_id the unique de-duplication key. */
  source: string;
  external_id: string;
  /** Intake adapter: http, sqs, mesh. */
  channel: string;
  /** cloudevent or fhir. */
  format: string;
  event_type: string;
  /**
   * Keyed blind index of the subject NHS number (the audit trail's index): groups a patient's
   * events and finds them by number. The number itself is only in the sealed payload.
   */
  subject_index: string;
  pds_version: number | null;
  occurred_at: number | null;
  received_at: number;
  correlation_id: string;
  content_type: string;
  /** AES-256-GCM sealed, bound to this row: the subject NHS number, a line break, the raw body. */
  payload_sealed: string;
  /** pending, claimed, processed, skipped, dead. */
  status: string;
  attempts: number;
  next_attempt_at: number;
  claimed_by: string | null;
  lease_until: number | null;
  last_error: string | null;
  outcome: string | null;
  /** JSON array of notable changes, or null when there were none. */
  notable_json: string | null;
  patient_id: string | null;
  /** When processing finished (processed, skipped or dead). */
  processed_at: number | null;
  generation: number;
  /** Set while the domain event of how processing ended is not yet confirmed as emitted. */
  report_due_at: number | null;
  /** The intake process that stored it (receipts it could not confirm are reported by a sweep). */
  intake_instance: string;
}

/**
 * Each running intake's progress in reporting receipts: every event it stored up to
 * `reported_through` has had its `event.received` emitted. An instance that stops beating is
 * presumed dead, and the receipts of what it stored after that mark are reported again.
 */
export interface EventIntakeMarksTable {
  instance: string;
  reported_through: number;
  beat_at: number;
}

/** Which worker is applying changes to a patient right now (one at a time per patient). */
export interface EventPatientHoldsTable {
  patient_id: string;
  holder: string;
  lease_until: number;
}

export interface EventsSchema {
  event_inbox: EventInboxTable;
  event_patient_holds: EventPatientHoldsTable;
  event_intake_marks: EventIntakeMarksTable;
}
