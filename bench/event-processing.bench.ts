/**
 * `event-processing`: 10,000 national change events about 500 patients, delivered through the
 * intake while the worker runs, with the PDS simulator holding PDS's own limit of 5 requests per
 * second and the PDS adapter its production settings (5 per second, 60-second cache, coalescing).
 * value = requests PDS received, baseline = distinct patients; target ratio ≤ 1.0 (a burst about
 * one patient costs one read: its waiting events are claimed together, and events announcing a
 * version already held or cached need no read). Reported too: total time until every event is
 * processed, the peak request rate PDS saw (must stay within its limit, with no 429s), and how the
 * events ended.
 *
 * Each patient's record is at version 20 at PDS and the events announce versions 1 to 20, as if
 * twenty changes had been made and MNS were now delivering their signals, shuffled. The PDS
 * simulator is built from its own modules with 500 patients (copies of one of its records under
 * fresh 999-range numbers); everything else is the product's code.
 */

import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import type { Patient as FhirPatient } from "fhir/r4.js";
import type { Kysely } from "kysely";
import { registerControlApi } from "../simulators/pds/control-api.ts";
import { loadErrorTemplates, loadInitialData } from "../simulators/pds/fixtures.ts";
import { createSpineErrors } from "../simulators/pds/operation-outcome.ts";
import { BASE_PATH, registerPatientRoutes } from "../simulators/pds/patient-routes.ts";
import { createSimulatorState } from "../simulators/pds/simulator-state.ts";
import { buildEvents, type EventsModule } from "../src/composition/events.composition.ts";
import { createEventBus } from "../src/domain-events.ts";
import { eventsSettings } from "../src/events/events.settings.ts";
import { signatureHeader } from "../src/events/mns-signature.ts";
import type { MnsHttpIntake } from "../src/national/mns/http-intake.ts";
import { noAccessToken } from "../src/national/pds/access-token.ts";
import { PdsClient } from "../src/national/pds/pds-client.ts";
import { NationalChangeService } from "../src/patients/national-change.service.ts";
import { expectedCheckDigit } from "../src/patients/nhs-number.ts";
import { systemClock } from "../src/platform/clock.ts";
import { createLogger } from "../src/platform/logger.ts";
import { NhsNumberProtection } from "../src/platform/nhs-number-protection.ts";
import { RefusalTally } from "../src/platform/refusal-tally.ts";
import { type Database, openDatabase } from "../src/storage/database.ts";
import type { EventsSchema } from "../src/storage/events.schema.ts";
import { migrateToLatest } from "../src/storage/migrate.ts";
import { SqlPatientRepository } from "../src/storage/patient.repository.ts";
import { type BenchResult, result } from "./lib/result.ts";

const EVENTS = 10_000;
const PATIENTS = 500;
const VERSIONS = EVENTS / PATIENTS;
const PDS_LIMIT = 5;
const SECRET = randomBytes(24).toString("base64url");
const KEY = { id: "bench", key: randomBytes(32) };

function nhsNumbers(count: number): string[] {
  const out: string[] = [];
  for (let n = 999_500_001; out.length < count; n++) {
    const check = expectedCheckDigit(String(n));
    if (check !== undefined) out.push(`${n}${check}`);
  }
  return out;
}

/** The PDS simulator with its own data plus `numbers` as copies of one of its records, at version VERSIONS. */
async function populatedPds(numbers: readonly string[]) {
  const initial = loadInitialData();
  const template = initial.patients.find((p) => p.id === "9991000038") as FhirPatient;
  const copies = numbers.map((nhs, i): FhirPatient => {
    const copy = structuredClone(template);
    copy.id = nhs;
    if (copy.identifier?.[0]) copy.identifier[0].value = nhs;
    copy.meta = { ...copy.meta, versionId: String(VERSIONS) };
    if (copy.name?.[0]) copy.name[0].family = `Benchmark${i}`;
    return copy;
  });
  const state = createSimulatorState(
    { patients: [...initial.patients, ...copies], changes: initial.changes },
    createSpineErrors(loadErrorTemplates()),
    { rateLimitPerSecond: PDS_LIMIT, requireAuthorization: false, slowDelayMs: 3000, log: () => {} },
  );
  const app = Fastify({ logger: false });
  registerPatientRoutes(app, state);
  registerControlApi(app, state);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    baseUrl: `${origin}${BASE_PATH}`,
    origin,
    close: async () => {
      state.shutdown.abort();
      await app.close();
    },
  };
}

/** One signed CloudEvent per patient and version, shuffled. */
function burst(numbers: readonly string[]): { body: Buffer; signature: string }[] {
  const events = numbers.flatMap((nhs) =>
    Array.from({ length: VERSIONS }, (_, v) => ({ nhs, version: v + 1, order: Math.random() })),
  );
  events.sort((a, b) => a.order - b.order);
  const t = Math.floor(Date.now() / 1000);
  return events.map(({ nhs, version }) => {
    const body = Buffer.from(
      JSON.stringify({
        specversion: "1.0",
        id: randomUUID(),
        source: "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324",
        type: "pds-record-change-2",
        time: new Date().toISOString(),
        dataref: `https://api.service.nhs.uk/personal-demographics/FHIR/R4/Patient/${nhs}`,
        subject: nhs,
        versionid: String(version),
      }),
    );
    return { body, signature: signatureHeader(SECRET, t, body) };
  });
}

async function seedPatients(database: Database, numbers: readonly string[]): Promise<SqlPatientRepository> {
  const patients = new SqlPatientRepository(database.db, new NhsNumberProtection([KEY], [KEY]));
  const none = {
    name: null,
    birthDate: null,
    gender: null,
    address: null,
    phone: null,
    email: null,
    gpOdsCode: null,
    death: null,
  };
  for (const nhs of numbers)
    await patients.insert({
      id: randomUUID(),
      mrn: `B-${nhs}`,
      nhsNumberText: nhs,
      demographics: none,
      createdAt: new Date(),
    });
  return patients;
}

/** The events domain as the product composes it, with the PDS adapter's production settings. */
function pipeline(
  database: Database,
  patients: SqlPatientRepository,
  pdsBaseUrl: string,
  dir: string,
): EventsModule {
  const demographics = new PdsClient({
    baseUrl: pdsBaseUrl,
    tokenSource: noAccessToken,
    timeoutMs: 10_000,
    ratePerSecond: PDS_LIMIT,
    maxQueueWaitMs: 5000,
    maxAttempts: 3,
    cacheSeconds: 60,
    circuit: { failureThreshold: 5, resetAfterMs: 30_000 },
  });
  return buildEvents({
    settings: {
      ...eventsSettings({ signingSecrets: [SECRET] }),
      payloadKeys: `bench:${KEY.key.toString("base64url")}`,
    },
    database,
    events: { emit: async () => {} },
    clock: systemClock,
    demographics,
    nationalChanges: new NationalChangeService({ patients, events: createEventBus(), clock: systemClock }),
    patients,
    indexer: new NhsNumberProtection([KEY], [KEY]),
    keysDir: join(dir, "keys"),
    logger: createLogger("silent"),
    // Unsigned deliveries are not part of these benchmarks.
    unauthenticated: new RefusalTally({ periodMs: 60_000, write: async () => {} }),
  });
}

/** Delivers every event through the intake, 100 at a time, while the worker runs. */
async function deliverAll(
  events: EventsModule,
  work: readonly { body: Buffer; signature: string }[],
): Promise<void> {
  let next = 0;
  const deliver = async () => {
    for (let i = next++; i < work.length; i = next++) {
      const d = work[i] as { body: Buffer; signature: string };
      await (events.httpIntake as MnsHttpIntake).receive({
        signature: d.signature,
        contentType: "application/cloudevents+json",
        body: d.body,
        correlationId: `bench-${i}`,
      });
    }
  };
  await Promise.all(Array.from({ length: 100 }, deliver));
}

async function outcomesOf(database: Database): Promise<Record<string, number>> {
  const rows = await (database.db as unknown as Kysely<EventsSchema>)
    .selectFrom("event_inbox")
    .select((eb) => ["outcome", eb.fn.countAll<number>().as("n")])
    .groupBy("outcome")
    .execute();
  return Object.fromEntries(rows.map((o) => [`outcome_${o.outcome ?? "none"}`, Number(o.n)]));
}

export async function eventProcessing(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "ncrs-bench-processing-"));
  const numbers = nhsNumbers(PATIENTS);
  const pds = await populatedPds(numbers);
  const database = openDatabase(`sqlite:${join(dir, "bench.db")}`);
  try {
    await migrateToLatest(database);
    const events = pipeline(database, await seedPatients(database, numbers), pds.baseUrl, dir);
    const work = burst(numbers);
    const started = performance.now();
    events.start();
    await deliverAll(events, work);
    const deliveredSeconds = (performance.now() - started) / 1000;
    while ((await events.counts()).backlog > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const seconds = (performance.now() - started) / 1000;
    await events.stop();
    const stats = (await (await fetch(`${pds.origin}/_sim/stats`)).json()) as {
      requests: number;
      peakRatePerSecond: number;
      rateLimited: number;
    };
    const byOutcome = await outcomesOf(database);
    const outcome = result("event-processing", "PDS reads", stats.requests, PATIENTS, 1.0, false, {
      events: EVENTS,
      patients: PATIENTS,
      totalSeconds: Math.round(seconds * 10) / 10,
      deliveredSeconds: Math.round(deliveredSeconds * 10) / 10,
      peakPdsRatePerSecond: stats.peakRatePerSecond,
      configuredLimitPerSecond: PDS_LIMIT,
      refusedByPdsRateLimit: stats.rateLimited,
      ...byOutcome,
    });
    const clean =
      stats.peakRatePerSecond <= PDS_LIMIT &&
      stats.rateLimited === 0 &&
      byOutcome["outcome_applied"] === PATIENTS;
    return { ...outcome, pass: outcome.pass && clean };
  } finally {
    await database.close();
    await pds.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) process.stdout.write(`${JSON.stringify(await eventProcessing())}\n`);
