/**
 * The events domain as the product wires it (src/composition/events.composition.ts), on a given
 * database and PDS: the real PDS adapter, the real patient repository and NationalChangeService,
 * and the shared domain-event bus. Used in-process by the tests and by the child-process entry.
 */
import { randomBytes } from "node:crypto";
import {
  buildEvents,
  type EventsCompositionSettings,
  type EventsModule,
} from "../../../src/composition/events.composition.ts";
import { createEventBus, type DomainEvents, type Events } from "../../../src/domain-events.ts";
import { eventsSettings } from "../../../src/events/events.settings.ts";
import { AesGcmPayloadSealer } from "../../../src/events/payload-sealing.ts";
import { noAccessToken } from "../../../src/national/pds/access-token.ts";
import { PdsClient } from "../../../src/national/pds/pds-client.ts";
import { NationalChangeService } from "../../../src/patients/national-change.service.ts";
import { type Clock, systemClock } from "../../../src/platform/clock.ts";
import { createLogger } from "../../../src/platform/logger.ts";
import { NhsNumberProtection } from "../../../src/platform/nhs-number-protection.ts";
import { RefusalTally } from "../../../src/platform/refusal-tally.ts";
import type { Database } from "../../../src/storage/database.ts";
import { SqlPatientRepository } from "../../../src/storage/patient.repository.ts";

export const SECRET = "test-mns-signing-secret-0001";

/** 32-byte test keys, fixed so that a restarted process can open what the first one sealed. */
export const TEST_KEYS = `t1:${Buffer.alloc(32, 7).toString("base64url")}`;

export interface SystemOptions {
  readonly database: Database;
  readonly pdsBaseUrl: string;
  readonly settings?: Partial<EventsCompositionSettings>;
  /** The PDS adapter's own rate limit (default 50/s: tests that measure the 5/s limit set it). */
  readonly pdsRatePerSecond?: number;
  readonly pdsCacheSeconds?: number;
  readonly keysDir: string;
  readonly clock?: Clock;
  readonly onPdsCall?: () => void;
}

export interface EventsSystem {
  readonly module: EventsModule;
  readonly bus: Events;
  readonly patients: SqlPatientRepository;
  readonly demographics: PdsClient;
  readonly protection: NhsNumberProtection;
  /** Opens what the inbox sealed (same keys as the system's). */
  readonly sealer: AesGcmPayloadSealer;
  readonly settings: EventsCompositionSettings;
  /** Where deliveries whose signature fails are counted. */
  readonly refusals: RefusalTally;
}

/** Test settings: quick retries and polling, everything else as in production. */
export function testSettings(overrides: Partial<EventsCompositionSettings> = {}): EventsCompositionSettings {
  return {
    ...eventsSettings({
      signingSecrets: [SECRET],
      retryBaseMs: 20,
      retryMaxMs: 100,
      workerPollMs: 20,
      patientBusyRetryMs: 20,
      leaseMs: 10_000,
      notifyPollMs: 50,
      notifyHeartbeatMs: 1000,
      reportGraceMs: 2000,
    }),
    payloadKeys: TEST_KEYS,
    ...overrides,
  };
}

/** The NHS-number keys of the events system (TEST_KEYS): patients seeded beside it use them too. */
export function testNhsNumberProtection(): NhsNumberProtection {
  const key = { id: "t1", key: Buffer.from(TEST_KEYS.split(":")[1] as string, "base64url") };
  return new NhsNumberProtection([key], [key]);
}

export function buildEventsSystem(options: SystemOptions): EventsSystem {
  const clock = options.clock ?? systemClock;
  const bus = createEventBus();
  const settings = testSettings(options.settings);
  const keyBytes = Buffer.from(TEST_KEYS.split(":")[1] as string, "base64url");
  const protection = testNhsNumberProtection();
  const demographics = new PdsClient({
    baseUrl: options.pdsBaseUrl,
    tokenSource: noAccessToken,
    timeoutMs: 5000,
    ratePerSecond: options.pdsRatePerSecond ?? 50,
    maxQueueWaitMs: 60_000,
    maxAttempts: 2,
    cacheSeconds: options.pdsCacheSeconds ?? 60,
    circuit: { failureThreshold: 10_000, resetAfterMs: 1000 },
    retry: { baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 100 },
    clock,
    ...(options.onPdsCall ? { onCall: options.onPdsCall } : {}),
  });
  const patients = new SqlPatientRepository(options.database.db, protection);
  const nationalChanges = new NationalChangeService({ patients, events: bus, clock });
  // Unsigned deliveries are counted here, as the service counts them (tests flush it to see the record).
  const refusals = new RefusalTally({
    periodMs: 60_000,
    write: async (tallies) => {
      for (const t of tallies) await bus.emit("refusals.tallied", { ...t, correlationId: "tally" });
    },
  });
  const module = buildEvents({
    settings,
    database: options.database,
    events: {
      emit: async (name, payload) => {
        await bus.emit(name, payload as DomainEvents[typeof name]);
      },
    },
    clock,
    demographics,
    nationalChanges,
    patients,
    indexer: protection,
    keysDir: options.keysDir,
    logger: createLogger("silent"),
    unauthenticated: refusals,
  });
  const sealer = new AesGcmPayloadSealer([{ id: "t1", key: keyBytes }]);
  return { module, bus, patients, demographics, protection, sealer, settings, refusals };
}

/** A random id for anything a test names. */
export function testId(): string {
  return randomBytes(6).toString("hex");
}
