/**
 * Upgrading a database whose rows hold NHS numbers in clear (written before migration 0011), on
 * both dialects: the start-up step seals them all, in batches, and a step stopped part way
 * carries on when run again.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dialects, freshDatabaseUrl } from "../../test/support/databases.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import {
  type ClearRowCounts,
  type ClearRows,
  checkId,
  patientId,
  seedClearRows,
  tokenHash,
} from "./clear-rows.test-support.ts";
import { type Database, openDatabase } from "./database.ts";
import { SqlLaunchIntentRepository } from "./launch.repository.ts";
import { migrateToLatest, migratorFor } from "./migrate.ts";
import { everyTextValue, inClear, key, protectionWith } from "./nhs-numbers-at-rest.test-support.ts";
import { SqlPatientRepository } from "./patient.repository.ts";
import { SqlPdsCheckRepository } from "./patient-context.repository.ts";
import { type SealedTable, sealStoredNhsNumbers } from "./seal-stored-nhs-numbers.ts";

const protection = protectionWith([key("e1")], [key("i1")]);

describe.each(dialects)("sealing NHS numbers stored in clear on %s", (dialect) => {
  let database: Database;
  let url: string;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    const fresh = await freshDatabaseUrl(dialect);
    ({ url, drop } = fresh);
    database = openDatabase(url, { poolMax: 2 });
    expect((await migratorFor(database).migrateTo("0010-launch-api-client")).error).toBeUndefined();
  });
  afterEach(async () => {
    await database.close();
    await drop();
  });

  async function upgraded(counts: ClearRowCounts): Promise<ClearRows> {
    const rows = await seedClearRows(database, counts);
    expect((await migrateToLatest(database))[0]).toBe("0011-nhs-numbers-at-rest");
    return rows;
  }

  const clearCount = async (table: "patients" | "launch_intents") => {
    const column = table === "patients" ? "nhs_number_index" : "nhs_number_sealed";
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where(column, "not like", "%.%")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it("seals every clear number in batches of 500, leaves none readable, and reads them all back", async () => {
    const rows = await upgraded({ patients: 1201, superseded: 600, checks: 501, launches: 501 });
    const batches: string[] = [];
    const counts = await sealStoredNhsNumbers(database, protection, {
      onBatch: (table, n) => batches.push(`${table} ${n}`),
    });
    expect(counts).toEqual({
      patients: 1201,
      patient_superseded_numbers: 600,
      pds_checks: 501,
      launch_intents: 501,
    });
    expect(batches).toEqual([
      "patients 500",
      "patients 500",
      "patients 201",
      "patient_superseded_numbers 500",
      "patient_superseded_numbers 100",
      "pds_checks 500",
      "pds_checks 1",
      "launch_intents 500",
      "launch_intents 1",
    ]);
    expect(inClear(await everyTextValue(database.db), rows.all)).toEqual([]);
    if (dialect === "sqlite") {
      // What a copy of the file would show: freed space and the write-ahead log hold no number either.
      const path = url.slice("sqlite:".length);
      const files = [path, `${path}-wal`].map((f) => readFileSync(f, { flag: "r" }).toString("latin1"));
      expect(inClear(files, rows.all)).toEqual([]);
    }

    const patients = new SqlPatientRepository(database.db, protection);
    const first = await patients.findById(patientId(0));
    expect(first?.nhsNumber).toEqual({ kind: "valid", value: rows.current[0] });
    expect(first?.supersededNhsNumbers).toEqual([rows.superseded[0]]);
    expect(first?.verification).toMatchObject({
      status: "superseded",
      survivingNhsNumber: rows.surviving[0],
    });
    expect((await patients.nationalState(patientId(0))).snapshot?.nhsNumber).toBe(rows.current[0]);
    expect((await patients.findById(patientId(9)))?.nhsNumber).toEqual({
      kind: "invalid",
      text: rows.mistyped.get(9),
    });
    expect((await patients.findByNhsNumber(nhsNumber(rows.current[1200] as string)))?.id).toBe(
      patientId(1200),
    );
    expect((await patients.findByAnyNhsNumber(nhsNumber(rows.superseded[599] as string)))?.id).toBe(
      patientId(599),
    );
    const check = await new SqlPdsCheckRepository(database.db, protection).find(checkId(0));
    expect([check?.requestedNhsNumber, check?.national?.nhsNumber]).toEqual([
      rows.current[0],
      rows.current[0],
    ]);
    const launch = await new SqlLaunchIntentRepository(database.db, protection).findByTokenHash(tokenHash(1));
    expect(launch?.nhsNumber).toBe(rows.current[1]);
    // Run again (every later start): nothing is left to do.
    expect(Object.values(await sealStoredNhsNumbers(database, protection))).toEqual([0, 0, 0, 0]);
  });

  it("carries on after stopping between batches, without sealing a row twice", async () => {
    const rows = await upgraded({ patients: 250, superseded: 0, checks: 0, launches: 0 });
    const stopAfterFirst = (_table: SealedTable) => {
      throw new Error("the process stopped here");
    };
    await expect(
      sealStoredNhsNumbers(database, protection, { batchSize: 100, onBatch: stopAfterFirst }),
    ).rejects.toThrow(/stopped here/);
    // The first batch (patients 0–99, ten of them with a mistyped number) is committed.
    expect(await clearCount("patients")).toBe(225 - 90);
    const sealedBefore = await database.db
      .selectFrom("patients")
      .select(["id", "nhs_number_sealed"])
      .where("nhs_number_index", "like", "%.%")
      .execute();
    expect(sealedBefore).toHaveLength(90);

    const again = await sealStoredNhsNumbers(database, protection, { batchSize: 100 });
    expect(again.patients).toBe(150);
    expect(await clearCount("patients")).toBe(0);
    const sealedAfter = await database.db
      .selectFrom("patients")
      .select(["id", "nhs_number_sealed"])
      .where(
        "id",
        "in",
        sealedBefore.map((r) => r.id),
      )
      .execute();
    expect(new Map(sealedAfter.map((r) => [r.id, r.nhs_number_sealed]))).toEqual(
      new Map(sealedBefore.map((r) => [r.id, r.nhs_number_sealed])),
    );
    expect(inClear(await everyTextValue(database.db), rows.all)).toEqual([]);
  });

  it("rolls a failing batch back whole, names the row and not its number, and finishes once it is put right", async () => {
    const rows = await upgraded({ patients: 30, superseded: 0, checks: 0, launches: 27 });
    // A launch in the middle of its batch whose stored number is not a number: the batch must not half-commit.
    await database.db
      .updateTable("launch_intents")
      .set({ nhs_number_sealed: "12345" })
      .where("ref", "=", "ref-00013")
      .execute();
    const failure = await sealStoredNhsNumbers(database, protection, { batchSize: 10 }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe("sealing the NHS numbers of launch_intents row ref-00013 failed");
    expect(await clearCount("patients")).toBe(0);
    // Batch one (10 launches) committed; batch two, holding the bad row, changed nothing.
    expect(await clearCount("launch_intents")).toBe(27 - 10);

    await database.db.deleteFrom("launch_intents").where("ref", "=", "ref-00013").execute();
    const counts = await sealStoredNhsNumbers(database, protection, { batchSize: 10 });
    expect(counts).toEqual({ patients: 0, patient_superseded_numbers: 0, pds_checks: 0, launch_intents: 16 });
    expect(inClear(await everyTextValue(database.db), rows.all)).toEqual([]);
  });
});
