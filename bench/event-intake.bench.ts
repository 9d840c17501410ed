/**
 * `event-intake`: durable intake of national change events, against raw batched inserts of the
 * same rows into the same kind of database. Target ratio ≥ 0.5.
 *
 * Intake side: 10,000 signed CloudEvents per round through the HTTP adapter exactly as the route
 * calls it (signature and replay window checked, JSON parsed, validated against MNS's schema,
 * subject NHS number blind-indexed, subject and raw body sealed, stored by group commit with the
 * de-duplication key, the receipt reported), from 1,000 concurrent deliveries
 * each waiting until its event is durable (SQLite `synchronous=FULL`). The domain-event bus has no
 * subscribers here: the audit trail's own write is measured by the audit benchmarks.
 * Baseline: the very same rows (sealed beforehand) inserted raw, one multi-row INSERT (one
 * transaction) per 256 rows. After one unmeasured warm-up round each, seven alternating rounds, each
 * side into a fresh database file in the same folder; medians compared.
 */

import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { buildEvents, type EventsModule } from "../src/composition/events.composition.ts";
import type { NewInboxEvent } from "../src/events/event.types.ts";
import { eventsSettings } from "../src/events/events.settings.ts";
import { signatureHeader } from "../src/events/mns-signature.ts";
import { AesGcmPayloadSealer } from "../src/events/payload-sealing.ts";
import type { MnsHttpIntake } from "../src/national/mns/http-intake.ts";
import { noAccessToken } from "../src/national/pds/access-token.ts";
import { PdsClient } from "../src/national/pds/pds-client.ts";
import { expectedCheckDigit } from "../src/patients/nhs-number.ts";
import { systemClock } from "../src/platform/clock.ts";
import { createLogger } from "../src/platform/logger.ts";
import { NhsNumberProtection } from "../src/platform/nhs-number-protection.ts";
import { RefusalTally } from "../src/platform/refusal-tally.ts";
import { type Database, openDatabase } from "../src/storage/database.ts";
import { newRow } from "../src/storage/event-rows.ts";
import type { EventsSchema } from "../src/storage/events.schema.ts";
import { migrateToLatest } from "../src/storage/migrate.ts";
import { SqlPatientRepository } from "../src/storage/patient.repository.ts";
import { type BenchResult, result } from "./lib/result.ts";

const EVENTS = 10_000;
const CALLERS = 1000;
const BATCH = 256;
const ROUNDS = 7;
const SECRET = randomBytes(24).toString("base64url");
const KEY = { id: "bench", key: randomBytes(32) };

interface Delivery {
  readonly body: Buffer;
  readonly signature: string;
}

/** Valid NHS numbers from the never-issued 999 range. */
function nhsNumbers(count: number): string[] {
  const out: string[] = [];
  for (let n = 999_400_001; out.length < count; n++) {
    const check = expectedCheckDigit(String(n));
    if (check !== undefined) out.push(`${n}${check}`);
  }
  return out;
}

export function deliveries(count: number): Delivery[] {
  const numbers = nhsNumbers(500);
  const t = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    const subject = numbers[i % numbers.length] as string;
    const body = Buffer.from(
      JSON.stringify({
        specversion: "1.0",
        id: randomUUID(),
        source: "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324",
        type: "pds-record-change-2",
        time: new Date().toISOString(),
        dataref: `https://api.service.nhs.uk/personal-demographics/FHIR/R4/Patient/${subject}`,
        subject,
        versionid: String(1 + Math.floor(i / numbers.length)),
      }),
    );
    return { body, signature: signatureHeader(SECRET, t, body) };
  });
}

async function freshDatabase(dir: string, name: string): Promise<Database> {
  const database = openDatabase(`sqlite:${join(dir, `${name}.db`)}`);
  await migrateToLatest(database);
  return database;
}

/** The events domain as the product composes it; only intake is used here. */
function intakeModule(database: Database, dir: string): EventsModule {
  return buildEvents({
    settings: {
      ...eventsSettings({ signingSecrets: [SECRET] }),
      payloadKeys: `bench:${KEY.key.toString("base64url")}`,
    },
    database,
    events: { emit: async () => {} },
    clock: systemClock,
    demographics: new PdsClient({
      baseUrl: "http://127.0.0.1:9/unused",
      tokenSource: noAccessToken,
      timeoutMs: 1000,
      ratePerSecond: 5,
      maxQueueWaitMs: 0,
      maxAttempts: 1,
      cacheSeconds: 0,
      circuit: { failureThreshold: 5, resetAfterMs: 1000 },
    }),
    nationalChanges: { apply: async () => Promise.reject(new Error("not used")) },
    patients: new SqlPatientRepository(database.db, new NhsNumberProtection([KEY], [KEY])),
    indexer: new NhsNumberProtection([KEY], [KEY]),
    keysDir: join(dir, "keys"),
    logger: createLogger("silent"),
    // Unsigned deliveries are not part of these benchmarks.
    unauthenticated: new RefusalTally({ periodMs: 60_000, write: async () => {} }),
  });
}

/** Events per second through the intake, every caller waiting for durability. */
export async function intakeRate(dir: string, round: number, work: readonly Delivery[]): Promise<number> {
  const database = await freshDatabase(dir, `intake-${round}`);
  const events = intakeModule(database, dir);
  let next = 0;
  const caller = async () => {
    for (let i = next++; i < work.length; i = next++) {
      const d = work[i] as Delivery;
      const outcome = await (events.httpIntake as MnsHttpIntake).receive({
        signature: d.signature,
        contentType: "application/cloudevents+json",
        body: d.body,
        correlationId: `bench-${i}`,
      });
      if (outcome.kind !== "accepted") throw new Error("event-intake: an event was not accepted");
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const seconds = (performance.now() - started) / 1000;
  await events.stop();
  const stored = await (database.db as unknown as Kysely<EventsSchema>)
    .selectFrom("event_inbox")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(stored.n) !== work.length) throw new Error(`event-intake: ${stored.n} of ${work.length} stored`);
  await database.close();
  return work.length / seconds;
}

/** Rows per second for the same rows inserted raw, BATCH to a statement. */
async function rawRate(dir: string, round: number, work: readonly Delivery[]): Promise<number> {
  const database = await freshDatabase(dir, `raw-${round}`);
  const db = database.db as unknown as Kysely<EventsSchema>;
  const protection = new NhsNumberProtection([KEY], [KEY]);
  const sealer = new AesGcmPayloadSealer([KEY]);
  const rows = work.map((d): NewInboxEvent => {
    const id = randomUUID();
    const event = JSON.parse(d.body.toString("utf8")) as { id: string; subject: string; versionid: string };
    return {
      id,
      source: "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324",
      externalId: event.id,
      channel: "http",
      format: "cloudevent",
      type: "pds-record-change-2",
      subjectIndex: protection.indexesOf(event.subject).at(-1) as string,
      pdsVersion: Number(event.versionid),
      occurredAt: new Date(),
      receivedAt: new Date(),
      correlationId: randomUUID(),
      contentType: "application/cloudevents+json",
      payloadSealed: sealer.seal(id, `${event.subject}\n${d.body.toString("utf8")}`),
      intakeInstance: "raw",
    };
  });
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH)
    await db
      .insertInto("event_inbox")
      .values(rows.slice(i, i + BATCH).map(newRow))
      .execute();
  const seconds = (performance.now() - started) / 1000;
  await database.close();
  return rows.length / seconds;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

export async function eventIntake(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "ncrs-bench-intake-"));
  try {
    const intake: number[] = [];
    const raw: number[] = [];
    // One unmeasured round each, so compiling the schema validators and warming the JIT count for neither.
    await intakeRate(dir, -1, deliveries(2000));
    await rawRate(dir, -1, deliveries(2000));
    for (let round = 0; round < ROUNDS; round++) {
      intake.push(await intakeRate(dir, round, deliveries(EVENTS)));
      raw.push(await rawRate(dir, round, deliveries(EVENTS)));
    }
    return result("event-intake", "events/s", median(intake), median(raw), 0.5, true, {
      eventsPerRound: EVENTS,
      concurrentDeliveries: CALLERS,
      batch: BATCH,
      rounds: ROUNDS,
      intakeRounds: intake.map((r) => Math.round(r)).join(" "),
      rawRounds: raw.map((r) => Math.round(r)).join(" "),
      // Each round's two sides ran back to back, so their ratio is least disturbed by other load.
      medianRoundRatio: Math.round(median(intake.map((r, i) => r / (raw[i] as number))) * 1000) / 1000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) process.stdout.write(`${JSON.stringify(await eventIntake())}\n`);
