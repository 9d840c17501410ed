/**
 * Crash safety: the events service runs in its own process (test/events/support/events-process.ts)
 * and is killed with SIGKILL in the middle of a burst of 10,000 events delivered by the MNS
 * simulator (each a real change at the PDS simulator, which keeps PDS's 5-per-second limit), then
 * started again on the same database. Afterwards every acknowledged event is stored once and
 * processed once in effect: none lost, none stored twice, exactly one processing record per event
 * (by its dedupe key, as the audit trail keys them), exactly one receipt per event, the NHS number
 * change re-keyed once, and every patient at PDS's latest version. Both dialects.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MnsSimulator, startMnsSimulator } from "../../simulators/mns/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { nhsNumber } from "../../src/patients/nhs-number.ts";
import { PatientIndexService } from "../../src/patients/patient-index.service.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { SqlPatientRepository } from "../../src/storage/patient.repository.ts";
import { dialects } from "../support/databases.ts";
import { freePort } from "../support/stack.ts";
import { createRecorderTable, recorderDb } from "./support/event-recorder.ts";
import { type EventsTestDatabase, openEventsDatabase } from "./support/events-database.ts";
import { SECRET, testNhsNumberProtection } from "./support/events-system.ts";
import { type ServiceProcess, startServiceProcess } from "./support/service-process.ts";

const BURST = 10_000;
const MERGED = "5900059073";
const SURVIVOR = "5900059332";
/** The simulator's burst pool without the two numbers of the merge and 9991000100 (a survivor already). */
const BURST_PATIENTS = [
  "9991000038",
  "9991000046",
  "9991000054",
  "9991000062",
  "9991000070",
  "9000000009",
  "9000000025",
  "9000000033",
  "9693632109",
  "9732110317",
  "9733162043",
  "9736363015",
  "9736363023",
  "9736363066",
  "9736363074",
  "5900046192",
  "5900056597",
  "5900057208",
];
const NO_DEMOGRAPHICS = {
  name: null,
  birthDate: null,
  gender: null,
  address: null,
  phone: null,
  email: null,
  gpOdsCode: null,
  death: null,
};

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(dialects)("SIGKILL in the middle of a burst (%s)", (dialect) => {
  let db: EventsTestDatabase;
  let pds: PdsSimulator;
  let mns: MnsSimulator;
  let service: ServiceProcess | null = null;
  let keysDir: string;
  let env: Record<string, string>;
  let port: number;
  /** The intake instances of the process that was killed. */
  let killedIntakes: string[] = [];

  const count = async (where: (q: ReturnType<typeof inbox>) => ReturnType<typeof inbox> = (q) => q) =>
    Number((await where(inbox()).executeTakeFirstOrThrow()).n);
  const inbox = () => db.events.selectFrom("event_inbox").select((eb) => eb.fn.countAll<number>().as("n"));
  const control = (path: string, body: unknown) =>
    fetch(`${mns.origin}/_sim/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);

  /** Nothing waiting or being processed, and nothing whose report may still be owed. */
  async function settled(): Promise<boolean> {
    const unfinished = await count((q) => q.where("status", "in", ["pending", "claimed"]));
    const reportsDue = await count((q) => q.where("report_due_at", "is not", null));
    // The killed intake's mark goes once the receipts it may not have reported are reported again
    // (only after its grace has passed, which may be after everything else has finished).
    const abandoned = await intakeMarks(killedIntakes);
    return unfinished + reportsDue + abandoned.length === 0;
  }

  /** The intake instances' marks, all or those of the given instances. */
  async function intakeMarks(instances?: readonly string[]): Promise<string[]> {
    if (instances?.length === 0) return [];
    let q = db.events.selectFrom("event_intake_marks").select("instance");
    if (instances) q = q.where("instance", "in", instances);
    return (await q.execute()).map((r) => r.instance);
  }

  /** Event ids MNS got a 2xx for. */
  async function acknowledged(): Promise<Set<string>> {
    const log = (await (await fetch(`${mns.origin}/_sim/deliveries?limit=50000`)).json()) as {
      deliveries: { eventId: string; status: number | null }[];
    };
    return new Set(
      log.deliveries
        .filter((d) => d.status !== null && d.status < 300 && d.status >= 200)
        .map((d) => d.eventId),
    );
  }

  /** Per event, the distinct dedupe keys recorded for one domain event name; and per key, its outcomes. */
  async function recorded(name: string) {
    const rows = await recorderDb(db.database)
      .selectFrom("test_domain_events")
      .select(["dedupe_key", "inbox_id", "outcome"])
      .where("name", "=", name)
      .execute();
    const keysByEvent = new Map<string, Set<string>>();
    const outcomesByKey = new Map<string, Set<string | null>>();
    for (const r of rows) {
      keysByEvent.set(
        r.inbox_id ?? "",
        (keysByEvent.get(r.inbox_id ?? "") ?? new Set()).add(r.dedupe_key ?? ""),
      );
      outcomesByKey.set(
        r.dedupe_key ?? "",
        (outcomesByKey.get(r.dedupe_key ?? "") ?? new Set()).add(r.outcome),
      );
    }
    return { keysByEvent, outcomesByKey };
  }

  beforeAll(async () => {
    db = await openEventsDatabase(dialect);
    await createRecorderTable(db.database);
    const patients = new SqlPatientRepository(db.database.db, testNhsNumberProtection());
    await new PatientIndexService({ patients, clock: systemClock }).seedDemoPatients();
    for (const nhs of [...BURST_PATIENTS, MERGED])
      if (!(await patients.findByNhsNumber(nhsNumber(nhs))))
        await patients.insert({
          id: randomUUID(),
          mrn: `CRASH-${nhs}`,
          nhsNumberText: nhs,
          demographics: NO_DEMOGRAPHICS,
          createdAt: new Date(),
        });
    pds = await startPdsSimulator({ port: 0, rateLimitPerSecond: 5 });
    keysDir = mkdtempSync(join(tmpdir(), "ncrs-crash-keys-"));
    port = await freePort();
    env = {
      DATABASE_URL: db.url,
      PDS_BASE_URL: pds.baseUrl,
      KEYS_DIR: keysDir,
      PROCESS_TAG: "first",
      PDS_RATE_PER_SECOND: "5",
    };
    const endpoint = `http://127.0.0.1:${port}/api/v1/events/mns`;
    mns = await startMnsSimulator({
      port: 0,
      endpoint,
      secret: SECRET,
      pdsOrigin: pds.origin,
      retryDelayMs: 100,
      attempts: 10,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await mns?.close();
    await pds?.close();
    await db?.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it("loses nothing, stores nothing twice, and processes every acknowledged event once in effect", {
    timeout: 300_000,
  }, async () => {
    service = await startServiceProcess(port, env);
    const burst = control("burst", {
      count: BURST,
      nhsNumbers: BURST_PATIENTS,
      concurrency: 16,
      attempts: 10,
    });
    const processed = (q: ReturnType<typeof inbox>) => q.where("status", "=", "processed");
    await until(
      async () => (await count()) >= 3000 && (await count(processed)) > 0,
      120_000,
      "the burst to be under way",
    );
    const merge = control("publish", {
      type: "nhs-number-change-2",
      nhsNumber: MERGED,
      survivor: SURVIVOR,
      attempts: 10,
    });
    await until(async () => (await count()) >= 3500, 60_000, "more of the burst");
    await service.kill();
    killedIntakes = await intakeMarks();
    expect(killedIntakes.length).toBeGreaterThan(0);
    expect(await count()).toBeLessThan(BURST);
    service = await startServiceProcess(port, { ...env, PROCESS_TAG: "second" });
    expect((await burst)["failed"]).toBe(0);
    expect((await merge)["delivered"]).toBe(true);
    await until(settled, 180_000, "every event to be processed and reported");

    // Every acknowledged event is in the inbox, once, and finished.
    const acks = await acknowledged();
    expect(acks.size).toBe(BURST + 1);
    const rows = await db.events
      .selectFrom("event_inbox")
      .select(["id", "external_id", "status", "generation"])
      .execute();
    const stored = new Set(rows.map((r) => r.external_id));
    expect(stored.size).toBe(rows.length);
    expect([...acks].filter((id) => !stored.has(id))).toEqual([]);
    expect(rows.filter((r) => r.status !== "processed" && r.status !== "skipped")).toEqual([]);

    // Exactly one processing record and one receipt per event, as the audit trail keys them; a
    // report repeated after the crash repeats the same record, never a different outcome.
    const outcomes = await recorded("event.processed");
    expect(
      rows.filter(
        (r) =>
          !(
            outcomes.keysByEvent.get(r.id)?.size === 1 &&
            outcomes.keysByEvent.get(r.id)?.has(`${r.id}/${r.generation}`)
          ),
      ),
    ).toEqual([]);
    expect([...outcomes.outcomesByKey.values()].filter((o) => o.size !== 1)).toEqual([]);
    const receipts = await recorded("event.received");
    expect(rows.filter((r) => !(receipts.keysByEvent.get(r.id)?.size === 1))).toEqual([]);

    // The merge moved the patient once; every patient ends at PDS's latest version.
    const patients = new SqlPatientRepository(db.database.db, testNhsNumberProtection());
    const merged = await patients.findByAnyNhsNumber(nhsNumber(MERGED));
    expect(merged?.nhsNumber).toEqual({ kind: "valid", value: SURVIVOR });
    expect(merged?.supersededNhsNumbers).toEqual([MERGED]);
    const rekeys = await recorderDb(db.database)
      .selectFrom("test_domain_events")
      .select("id")
      .where("name", "=", "patient.national_change_applied")
      .where("outcome", "=", "rekeyed")
      .execute();
    expect(rekeys).toHaveLength(1);
    for (const nhs of BURST_PATIENTS) {
      const atPds = (await (await fetch(`${pds.origin}/_sim/patients/${nhs}`)).json()) as {
        patient: { meta: { versionId: string } };
      };
      const local = await patients.findByNhsNumber(nhsNumber(nhs));
      expect({ nhs, version: (await patients.nationalState(local?.id ?? "")).version }).toEqual({
        nhs,
        version: Number(atPds.patient.meta.versionId),
      });
    }
  });
});
