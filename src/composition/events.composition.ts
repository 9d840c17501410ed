/**
 * Wires the national change events: the SQL inbox (both dialects), sealing of NHS numbers and raw
 * bodies, the intake port and its HTTP adapter, processing (worker, reporter), the admin service
 * and the live-notification hub. Part of the composition root; domain code never sees settings.
 */
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../config/load-config.ts";
import { EventAdminService } from "../events/event-admin.service.ts";
import { EventProcessor } from "../events/event-processor.ts";
import { EventReporter } from "../events/event-reporter.ts";
import { EventWorker } from "../events/event-worker.ts";
import type { EmitEventsEvent } from "../events/events.events.ts";
import type { InboxCounts, NhsNumberIndexer } from "../events/events.ports.ts";
import type { EventsSettings } from "../events/events.settings.ts";
import { EventIntakeService } from "../events/intake.service.ts";
import { NotificationHub } from "../events/notification-hub.ts";
import type { NotificationPolicy } from "../events/notification-policy.ts";
import { AesGcmPayloadSealer } from "../events/payload-sealing.ts";
import type { RefusalCounter } from "../launch/launch.ports.ts";
import { MnsHttpIntake } from "../national/mns/http-intake.ts";
import type { NationalChangeService } from "../patients/national-change.service.ts";
import type { DemographicsService } from "../patients/national-patient.ts";
import type { PatientRepository } from "../patients/patients.ports.ts";
import type { Clock } from "../platform/clock.ts";
import { fileSecret } from "../platform/key-store.ts";
import { NhsNumberProtection, parseKeyList } from "../platform/nhs-number-protection.ts";
import type { Database } from "../storage/database.ts";
import { SqlEventAdminStore } from "../storage/event-admin.repository.ts";
import { SqlEventIntakeStore } from "../storage/event-inbox.repository.ts";
import { SqlEventWorkStore } from "../storage/event-work.repository.ts";
import type { EventsSchema } from "../storage/events.schema.ts";

/** The events settings plus the keys, which only the composition handles. */
export interface EventsCompositionSettings extends EventsSettings {
  /**
   * `EVENTS_PAYLOAD_KEYS` (secret, optional): `id:base64url` 32-byte keys, oldest first, sealing raw
   * event bodies. When absent a key is generated once under `keysDir` (one machine only: set it
   * when several instances share a database).
   */
  readonly payloadKeys?: string;
}

export interface EventsCompositionDeps {
  readonly settings: EventsCompositionSettings;
  readonly database: Database;
  /** The domain event bus (`emit` awaits every subscriber, the audit trail included). */
  readonly events: { readonly emit: EmitEventsEvent };
  readonly clock: Clock;
  readonly demographics: DemographicsService;
  readonly nationalChanges: Pick<NationalChangeService, "apply">;
  readonly patients: Pick<PatientRepository, "findByAnyNhsNumber" | "findById" | "nationalState">;
  /**
   * The blind index of NHS numbers: pass the audit trail's `NhsNumberProtection`, so the inbox and
   * the audit index numbers with the same keys and one search finds both.
   */
  readonly indexer?: NhsNumberIndexer;
  /** Where generated keys are kept when none are configured (DATA_DIR/keys). */
  readonly keysDir: string;
  readonly logger: Pick<Logger, "warn" | "error">;
  /** Where deliveries whose signature fails are counted (they are not recorded one by one). */
  readonly unauthenticated: RefusalCounter;
}

export interface EventsModule {
  readonly intake: EventIntakeService;
  /** The signed HTTP intake; null when no signing secret is configured (register no intake route then). */
  readonly httpIntake: MnsHttpIntake | null;
  readonly admin: EventAdminService;
  readonly hub: NotificationHub;
  readonly worker: EventWorker;
  readonly policy: NotificationPolicy;
  /** The inbox's counts (for metrics and readiness). */
  counts(): Promise<InboxCounts>;
  /** Starts the worker (when enabled by settings). */
  start(): void;
  /** Stops the worker after its batch and the notification polling. */
  stop(): Promise<void>;
}

/** The events settings as configured (src/config/settings-events.ts). */
export function eventsSettingsOf(config: Config): EventsCompositionSettings {
  return {
    signingSecrets: config.mnsSigningSecrets ?? [],
    signatureWindowSeconds: config.mnsSignatureWindowSeconds,
    acceptedTypes: config.eventsAcceptedTypes,
    maxAttempts: config.eventsMaxAttempts,
    retryBaseMs: config.eventsRetryBaseMs,
    retryMaxMs: config.eventsRetryMaxMs,
    leaseMs: config.eventsLeaseMs,
    workerEnabled: config.eventsWorker,
    workerPollMs: config.eventsWorkerPollMs,
    workerBatchPatients: config.eventsWorkerBatchPatients,
    workerConcurrency: config.eventsWorkerConcurrency,
    patientBusyRetryMs: config.eventsPatientBusyRetryMs,
    reportGraceMs: config.eventsReportGraceMs,
    notifyChanges: config.eventsNotifyChanges,
    notifyActivityCodes: config.eventsNotifyActivityCodes,
    notifyPollMs: config.eventsNotifyPollMs,
    notifyHeartbeatMs: config.eventsNotifyHeartbeatMs,
    intakeMaxBatch: config.eventsIntakeMaxBatch,
    intakeCheckpointMs: config.eventsIntakeCheckpointMs,
    ...(config.eventsPayloadKeys === undefined ? {} : { payloadKeys: config.eventsPayloadKeys }),
  };
}

function localKeys(keysDir: string, name: string): string {
  return `local:${fileSecret(keysDir, name)}`;
}

/**
 * Builds everything the events domain needs from its settings and the shared pieces. Nothing runs
 * until `start()` (the worker; intake starts on its first delivery if not before).
 */
export function buildEvents(deps: EventsCompositionDeps): EventsModule {
  const { settings, clock, logger } = deps;
  const db: Kysely<EventsSchema> = deps.database.db;
  const emit = deps.events.emit;
  const sealer = new AesGcmPayloadSealer(
    parseKeyList(
      settings.payloadKeys ?? localKeys(deps.keysDir, "events-payload-key"),
      "EVENTS_PAYLOAD_KEYS",
    ),
  );
  const indexer =
    deps.indexer ??
    (() => {
      const keys = parseKeyList(localKeys(deps.keysDir, "events-nhs-number-key"), "events NHS number key");
      return new NhsNumberProtection(keys, keys);
    })();
  const workStore = new SqlEventWorkStore(db, deps.database.dialect);
  const adminStore = new SqlEventAdminStore(db);
  const policy: NotificationPolicy = {
    changes: settings.notifyChanges,
    activityCodes: settings.notifyActivityCodes,
  };
  const hub = new NotificationHub({
    store: adminStore,
    clock,
    pollMs: settings.notifyPollMs,
    policy,
    onError: (error) => logger.warn({ err: error }, "looking for notable changes failed"),
  });
  const intake = new EventIntakeService({
    store: new SqlEventIntakeStore(db, settings.intakeMaxBatch),
    indexer,
    sealer,
    emit,
    clock,
    acceptedTypes: settings.acceptedTypes,
    checkpointMs: settings.intakeCheckpointMs,
    onError: (error) => logger.warn({ err: error }, "recording how far event receipts are reported failed"),
  });
  const reporter = new EventReporter({
    store: workStore,
    sealer,
    emit,
    clock,
    reportGraceMs: settings.reportGraceMs,
  });
  const processor = new EventProcessor({
    store: workStore,
    sealer,
    patients: deps.patients,
    demographics: deps.demographics,
    nationalChanges: deps.nationalChanges,
    reporter,
    emit,
    clock,
    retry: { maxAttempts: settings.maxAttempts, baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs },
    leaseMs: settings.leaseMs,
    patientBusyRetryMs: settings.patientBusyRetryMs,
    onNotable: () => hub.nudge(),
    onFailure: (code, error) => logger.warn({ code, err: error }, "processing a change event failed"),
  });
  const worker = new EventWorker({
    store: workStore,
    processor,
    reporter,
    clock,
    pollMs: settings.workerPollMs,
    batchPatients: settings.workerBatchPatients,
    concurrency: settings.workerConcurrency,
    leaseMs: settings.leaseMs,
    onError: (error) => logger.error({ err: error }, "the change event worker failed; it carries on"),
  });
  const admin = new EventAdminService({
    store: adminStore,
    indexer,
    sealer,
    emit,
    clock,
    onReplayed: () => worker.nudge(),
  });
  const httpIntake =
    settings.signingSecrets.length > 0
      ? new MnsHttpIntake({
          intake,
          clock,
          secrets: settings.signingSecrets,
          windowSeconds: settings.signatureWindowSeconds,
          unauthenticated: deps.unauthenticated,
        })
      : null;
  if (!httpIntake)
    logger.warn("MNS_SIGNING_SECRETS is not set: national change events cannot be received over HTTP");
  return {
    intake,
    httpIntake,
    admin,
    hub,
    worker,
    policy,
    counts: () => adminStore.counts(),
    start: () => {
      void intake
        .start()
        .catch((error: unknown) => logger.error({ err: error }, "event intake could not start"));
      if (settings.workerEnabled) worker.start();
    },
    stop: async () => {
      hub.stop();
      await worker.stop();
      await intake.stop();
    },
  };
}

/**
 * Just the admin service, for the operations CLI (`npm run cli -- events …`): inspection and replay
 * on the same database and keys as the service, without intake, worker or PDS. `emit` should reach
 * the audit trail, so replays by operators are recorded like those made on the admin page.
 */
export function buildEventAdmin(deps: {
  readonly database: Database;
  readonly payloadKeys?: string;
  readonly indexer?: NhsNumberIndexer;
  readonly keysDir: string;
  readonly events: { readonly emit: EmitEventsEvent };
  readonly clock: Clock;
}): EventAdminService {
  const keys = parseKeyList(
    deps.payloadKeys ?? localKeys(deps.keysDir, "events-payload-key"),
    "EVENTS_PAYLOAD_KEYS",
  );
  const indexKeys = () =>
    parseKeyList(localKeys(deps.keysDir, "events-nhs-number-key"), "events NHS number key");
  return new EventAdminService({
    store: new SqlEventAdminStore(deps.database.db),
    indexer: deps.indexer ?? new NhsNumberProtection(indexKeys(), indexKeys()),
    sealer: new AesGcmPayloadSealer(keys),
    emit: deps.events.emit,
    clock: deps.clock,
  });
}
