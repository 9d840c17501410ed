/**
 * Several instances on one PostgreSQL database: two service processes, each with intake and a
 * worker, receive bursts for the same patients from two MNS simulators at once. Each event is
 * stored once and processed exactly once (one report, no crash involved), both workers take part,
 * and every patient ends at PDS's latest version.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MnsSimulator, startMnsSimulator } from "../../simulators/mns/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { nhsNumber } from "../../src/patients/nhs-number.ts";
import { SqlPatientRepository } from "../../src/storage/patient.repository.ts";
import { freePort } from "../support/stack.ts";
import { createRecorderTable, recorderDb } from "./support/event-recorder.ts";
import { type EventsTestDatabase, openEventsDatabase } from "./support/events-database.ts";
import { SECRET, testNhsNumberProtection } from "./support/events-system.ts";
import { type ServiceProcess, startServiceProcess } from "./support/service-process.ts";

const PATIENTS = [
  "9991000038",
  "9991000046",
  "9991000054",
  "9991000062",
  "9000000009",
  "9693632109",
  "9732110317",
];
const PER_SIMULATOR = 1500;

describe("two processes sharing PostgreSQL", () => {
  let db: EventsTestDatabase;
  let pds: PdsSimulator;
  const simulators: MnsSimulator[] = [];
  const services: ServiceProcess[] = [];
  let keysDir: string;

  beforeAll(async () => {
    db = await openEventsDatabase("postgres");
    await createRecorderTable(db.database);
    const patients = new SqlPatientRepository(db.database.db, testNhsNumberProtection());
    for (const nhs of PATIENTS)
      await patients.insert({
        id: randomUUID(),
        mrn: `TWO-${nhs}`,
        nhsNumberText: nhs,
        demographics: {
          name: null,
          birthDate: null,
          gender: null,
          address: null,
          phone: null,
          email: null,
          gpOdsCode: null,
          death: null,
        },
        createdAt: new Date(),
      });
    pds = await startPdsSimulator({ port: 0, rateLimitPerSecond: 0 });
    keysDir = mkdtempSync(join(tmpdir(), "ncrs-two-keys-"));
    for (const tag of ["A", "B"]) {
      const port = await freePort();
      services.push(
        await startServiceProcess(port, {
          DATABASE_URL: db.url,
          PDS_BASE_URL: pds.baseUrl,
          KEYS_DIR: keysDir,
          PROCESS_TAG: tag,
          PDS_RATE_PER_SECOND: "50",
          EVENTS_SETTINGS: JSON.stringify({
            workerBatchPatients: 2,
            workerConcurrency: 2,
            reportGraceMs: 60_000,
          }),
        }),
      );
      simulators.push(
        await startMnsSimulator({
          port: 0,
          endpoint: `http://127.0.0.1:${port}/api/v1/events/mns`,
          secret: SECRET,
          pdsOrigin: pds.origin,
          retryDelayMs: 50,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    for (const m of simulators) await m.close();
    await pds?.close();
    await db?.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it("processes each event exactly once, with both workers taking part", { timeout: 180_000 }, async () => {
    const bursts = simulators.map((m) =>
      fetch(`${m.origin}/_sim/burst`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ count: PER_SIMULATOR, nhsNumbers: PATIENTS, concurrency: 8 }),
      }).then((r) => r.json() as Promise<{ delivered: number; failed: number }>),
    );
    for (const result of await Promise.all(bursts))
      expect(result).toMatchObject({ delivered: PER_SIMULATOR, failed: 0 });

    const deadline = Date.now() + 120_000;
    const unfinished = () =>
      db.events
        .selectFrom("event_inbox")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where((eb) =>
          eb.or([eb("status", "in", ["pending", "claimed"]), eb("report_due_at", "is not", null)]),
        )
        .executeTakeFirstOrThrow();
    while (Number((await unfinished()).n) > 0) {
      if (Date.now() > deadline) throw new Error("events still unprocessed");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const rows = await db.events.selectFrom("event_inbox").select(["id", "status", "generation"]).execute();
    expect(rows).toHaveLength(2 * PER_SIMULATOR);
    expect(rows.filter((r) => r.status !== "processed")).toEqual([]);
    const reports = await recorderDb(db.database)
      .selectFrom("test_domain_events")
      .select(["inbox_id", "dedupe_key", "process"])
      .where("name", "=", "event.processed")
      .execute();
    // Without a crash nothing is reported twice: one report per event, by whichever worker took it.
    expect(reports).toHaveLength(rows.length);
    expect(new Set(reports.map((r) => r.inbox_id)).size).toBe(rows.length);
    const byProcess = { A: 0, B: 0 } as Record<string, number>;
    for (const r of reports) byProcess[r.process] = (byProcess[r.process] ?? 0) + 1;
    expect(byProcess["A"]).toBeGreaterThan(0);
    expect(byProcess["B"]).toBeGreaterThan(0);

    const patients = new SqlPatientRepository(db.database.db, testNhsNumberProtection());
    for (const nhs of PATIENTS) {
      const atPds = (await (await fetch(`${pds.origin}/_sim/patients/${nhs}`)).json()) as {
        patient: { meta: { versionId: string } };
      };
      const local = await patients.findByNhsNumber(nhsNumber(nhs));
      expect((await patients.nationalState(local?.id ?? "")).version).toBe(
        Number(atPds.patient.meta.versionId),
      );
    }
  });
});
