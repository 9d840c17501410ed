/**
 * The events domain's settings, with their defaults. The composition root reads them from the
 * settings table (environment variables named in each comment) and hands them in; nothing here
 * reads the environment.
 */
import type { NotableChange } from "../patients/national-change.ts";
import { PATIENT_EVENT_TYPES } from "./event.types.ts";

export interface EventsSettings {
  /**
   * `MNS_SIGNING_SECRETS` (secret, no default; comma-separated, each at least 16 characters):
   * shared secrets of the X-MNS-Signature HMAC. A delivery signed with any of them is accepted, so
   * a secret can be rotated by adding the new one, switching MNS over, then removing the old one.
   * Empty: the HTTP intake is off (and says so in the log).
   */
  readonly signingSecrets: readonly string[];
  /** `MNS_SIGNATURE_WINDOW_SECONDS` (300): how far a signature's timestamp may be from now, either way. */
  readonly signatureWindowSeconds: number;
  /** `EVENTS_ACCEPTED_TYPES` (the four PDS types): event types accepted; any other is refused with 422. */
  readonly acceptedTypes: readonly string[];
  /** `EVENTS_MAX_ATTEMPTS` (10): processing attempts before an event is dead-lettered. */
  readonly maxAttempts: number;
  /** `EVENTS_RETRY_BASE_MS` (5000): wait before the first retry; doubles per attempt, with jitter. */
  readonly retryBaseMs: number;
  /** `EVENTS_RETRY_MAX_MS` (900000): longest wait between attempts. */
  readonly retryMaxMs: number;
  /** `EVENTS_LEASE_MS` (60000): how long a claim lasts without renewal before another worker may take it over. */
  readonly leaseMs: number;
  /** `EVENTS_WORKER` (true): run the processing worker in this process (intake always runs). */
  readonly workerEnabled: boolean;
  /** `EVENTS_WORKER_POLL_MS` (500): pause between claims when the inbox had nothing to do. */
  readonly workerPollMs: number;
  /** `EVENTS_WORKER_BATCH_PATIENTS` (50): patients (with all their waiting events) claimed at once. */
  readonly workerBatchPatients: number;
  /**
   * `EVENTS_WORKER_CONCURRENCY` (2): patients processed at the same time. Low on purpose: the
   * worker shares PDS's rate limit with clinicians' interactive checks.
   */
  readonly workerConcurrency: number;
  /** `EVENTS_PATIENT_BUSY_RETRY_MS` (1000): when another worker holds the patient, try again after this. */
  readonly patientBusyRetryMs: number;
  /**
   * `EVENTS_REPORT_GRACE_MS` (30000): a report not confirmed by then is made again (an outcome whose
   * domain event was not confirmed; the receipts of an intake instance that stopped beating).
   */
  readonly reportGraceMs: number;
  /** `EVENTS_NOTIFY_CHANGES` (superseded, invalidated, deceased, verification needed): changes shown live. */
  readonly notifyChanges: readonly NotableChange[];
  /**
   * `EVENTS_NOTIFY_ACTIVITY_CODES` (empty = every role with clinical access): roles that see live
   * notifications; any other role sees none.
   */
  readonly notifyActivityCodes: readonly string[];
  /** `EVENTS_NOTIFY_POLL_MS` (1000): how often an instance looks for new notable changes while pages listen. */
  readonly notifyPollMs: number;
  /** `EVENTS_NOTIFY_HEARTBEAT_MS` (25000): keep-alive and session re-check interval of a notification stream. */
  readonly notifyHeartbeatMs: number;
  /** `EVENTS_INTAKE_MAX_BATCH` (256): most events stored by one group commit. */
  readonly intakeMaxBatch: number;
  /**
   * `EVENTS_INTAKE_CHECKPOINT_MS` (1000): how often an intake records how far its receipts are
   * reported (one small write); keep it well under `EVENTS_REPORT_GRACE_MS`.
   */
  readonly intakeCheckpointMs: number;
}

/** Every default, as documented above. `signingSecrets` has none: it must be configured. */
export const EVENTS_DEFAULTS: Omit<EventsSettings, "signingSecrets"> = Object.freeze<
  Omit<EventsSettings, "signingSecrets">
>({
  signatureWindowSeconds: 300,
  acceptedTypes: PATIENT_EVENT_TYPES,
  maxAttempts: 10,
  retryBaseMs: 5000,
  retryMaxMs: 900_000,
  leaseMs: 60_000,
  workerEnabled: true,
  workerPollMs: 500,
  workerBatchPatients: 50,
  workerConcurrency: 2,
  patientBusyRetryMs: 1000,
  reportGraceMs: 30_000,
  notifyChanges: ["nhs_number_superseded", "nhs_number_invalidated", "deceased", "verification_needed"],
  notifyActivityCodes: [],
  notifyPollMs: 1000,
  notifyHeartbeatMs: 25_000,
  intakeMaxBatch: 256,
  intakeCheckpointMs: 1000,
});

/** Settings with defaults filled in for whatever `overrides` leaves out. */
export function eventsSettings(
  overrides: Partial<EventsSettings> & Pick<EventsSettings, "signingSecrets">,
): EventsSettings {
  return Object.freeze({ ...EVENTS_DEFAULTS, ...overrides });
}
