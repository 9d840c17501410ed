/**
 * Settings of the national change events inbox (group "Change events"). Defaults come from the
 * events domain (src/events/events.settings.ts), so the two cannot disagree.
 */
import { z } from "zod";
import { EVENTS_DEFAULTS } from "../events/events.settings.ts";
import { bool, keyList, list, positiveInt, setting } from "./setting.ts";

const D = EVENTS_DEFAULTS;
const NOTABLE = [
  "nhs_number_superseded",
  "nhs_number_invalidated",
  "deceased",
  "verification_needed",
  "restricted",
] as const;
const GROUP = "Change events";

function count(env: string, value: number, description: string, max = 86_400_000) {
  return setting({ env, group: GROUP, schema: positiveInt.max(max), default: String(value), description });
}

export const eventsSettings = {
  mnsSigningSecrets: setting({
    env: "MNS_SIGNING_SECRETS",
    group: GROUP,
    schema: list.pipe(z.array(z.string().min(16, "each secret must be at least 16 characters"))).optional(),
    secret: true,
    description:
      "Shared secrets of the `X-MNS-Signature` HMAC over each delivery, comma-separated. Any of them is accepted, so rotate by adding the new one, switching MNS over, then removing the old. Unset: the HTTP intake is off (and the log says so).",
  }),
  mnsSignatureWindowSeconds: count(
    "MNS_SIGNATURE_WINDOW_SECONDS",
    D.signatureWindowSeconds,
    "How far a signature's timestamp may be from now, either way (replay window).",
    3600,
  ),
  eventsAcceptedTypes: setting({
    env: "EVENTS_ACCEPTED_TYPES",
    group: GROUP,
    schema: list.pipe(z.array(z.string().min(1)).min(1, "name at least one event type")),
    default: D.acceptedTypes.join(","),
    description: "MNS event types accepted; any other is refused with 422 and not stored.",
  }),
  eventsMaxAttempts: count(
    "EVENTS_MAX_ATTEMPTS",
    D.maxAttempts,
    "Processing attempts before an event is dead-lettered.",
    1000,
  ),
  eventsRetryBaseMs: count(
    "EVENTS_RETRY_BASE_MS",
    D.retryBaseMs,
    "Wait before the first retry; doubles per attempt, with jitter.",
  ),
  eventsRetryMaxMs: count("EVENTS_RETRY_MAX_MS", D.retryMaxMs, "Longest wait between attempts."),
  eventsLeaseMs: count(
    "EVENTS_LEASE_MS",
    D.leaseMs,
    "How long a worker's claim on events lasts without renewal before another worker may take them over.",
  ),
  eventsWorker: setting({
    env: "EVENTS_WORKER",
    group: GROUP,
    schema: bool,
    default: String(D.workerEnabled),
    description:
      "Run the processing worker in this instance (intake always runs). Several instances may run workers.",
  }),
  eventsWorkerPollMs: count(
    "EVENTS_WORKER_POLL_MS",
    D.workerPollMs,
    "Pause between claims when the inbox had nothing to do.",
  ),
  eventsWorkerBatchPatients: count(
    "EVENTS_WORKER_BATCH_PATIENTS",
    D.workerBatchPatients,
    "Patients (with all their waiting events) claimed at once.",
    10_000,
  ),
  eventsWorkerConcurrency: count(
    "EVENTS_WORKER_CONCURRENCY",
    D.workerConcurrency,
    "Patients processed at the same time. Low on purpose: the worker shares PDS's rate limit with clinicians' checks.",
    64,
  ),
  eventsPatientBusyRetryMs: count(
    "EVENTS_PATIENT_BUSY_RETRY_MS",
    D.patientBusyRetryMs,
    "When another worker holds the patient, try again after this.",
  ),
  eventsReportGraceMs: count(
    "EVENTS_REPORT_GRACE_MS",
    D.reportGraceMs,
    "A report (to the audit trail) not confirmed by then is made again: an outcome whose event was not confirmed, the receipts of an instance that stopped.",
  ),
  eventsNotifyChanges: setting({
    env: "EVENTS_NOTIFY_CHANGES",
    group: GROUP,
    schema: list.pipe(z.array(z.enum(NOTABLE))),
    default: D.notifyChanges.join(","),
    description: `Changes shown live on an open patient page (any of ${NOTABLE.join(", ")}); routine changes never are.`,
  }),
  eventsNotifyActivityCodes: setting({
    env: "EVENTS_NOTIFY_ACTIVITY_CODES",
    group: GROUP,
    schema: list,
    default: "",
    description:
      "RBAC activity codes of roles that see live notifications (empty: every role with clinical access).",
  }),
  eventsNotifyPollMs: count(
    "EVENTS_NOTIFY_POLL_MS",
    D.notifyPollMs,
    "How often an instance looks for new notable changes while patient pages listen.",
  ),
  eventsNotifyHeartbeatMs: count(
    "EVENTS_NOTIFY_HEARTBEAT_MS",
    D.notifyHeartbeatMs,
    "Keep-alive and session re-check interval of a live notification stream.",
  ),
  eventsIntakeMaxBatch: count(
    "EVENTS_INTAKE_MAX_BATCH",
    D.intakeMaxBatch,
    "Most events stored by one group commit.",
    5000,
  ),
  eventsIntakeCheckpointMs: count(
    "EVENTS_INTAKE_CHECKPOINT_MS",
    D.intakeCheckpointMs,
    "How often an intake records how far its receipts are reported; keep it well under EVENTS_REPORT_GRACE_MS.",
  ),
  eventsRetentionDays: count(
    "EVENTS_RETENTION_DAYS",
    30,
    "Events processed or skipped (and reported to the audit trail) are deleted from the inbox this many days after processing; dead letters stay until replayed. The audit trail keeps each event's receipt and outcome.",
    36_500,
  ),
  eventsPayloadKeys: setting({
    env: "EVENTS_PAYLOAD_KEYS",
    group: GROUP,
    schema: keyList,
    secret: true,
    description:
      "AES-256-GCM keys sealing stored event bodies and subject NHS numbers, as `id:key,id:key` (the last seals, all open). Generated under DATA_DIR when unset; set it (the same everywhere) when instances share a database.",
  }),
} as const;
