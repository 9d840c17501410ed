/**
 * NHS numbers in the operational tables, on both dialects: sealed and read back, found through the
 * blind index (also after a key is added), and bound to their rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, openTestDatabase, type TestDatabase } from "../../test/support/databases.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import { UnreadableNhsNumber } from "../platform/nhs-number-protection.ts";
import { SqlLaunchIntentRepository } from "./launch.repository.ts";
import {
  at,
  everyTextValue,
  inClear,
  key,
  launchIntent,
  nationalPatient,
  newPatient,
  pdsCheck,
  protectionWith,
} from "./nhs-numbers-at-rest.test-support.ts";
import { SqlPatientRepository } from "./patient.repository.ts";
import { SqlPdsCheckRepository } from "./patient-context.repository.ts";

const e1 = key("e1");
const i1 = key("i1");
const before = protectionWith([e1], [i1]);
const after = protectionWith([e1, key("e2")], [i1, key("i2")]);

describe.each(dialects)("NHS numbers at rest on %s", (dialect) => {
  let t: TestDatabase;
  let patients: SqlPatientRepository;
  let checks: SqlPdsCheckRepository;
  let launches: SqlLaunchIntentRepository;
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
    patients = new SqlPatientRepository(t.database.db, before);
    checks = new SqlPdsCheckRepository(t.database.db, before);
    launches = new SqlLaunchIntentRepository(t.database.db, before);
  });
  afterAll(async () => t.drop());

  it("keeps every NHS number sealed, and reads each back: local, mistyped, superseded, PDS's, launched", async () => {
    const valid = newPatient("9991000089");
    const mistyped = newPatient("9434765918");
    await patients.insert(valid);
    await patients.insert(mistyped);
    await patients.saveNationalState(valid.id, 3, nationalPatient("9991000089"), at);
    const state = { status: "unverified" as const, reason: "re-keyed", at, by: null };
    expect(await patients.rekey(valid.id, nhsNumber("9991000089"), nhsNumber("9991000097"), state, at)).toBe(
      true,
    );
    const superseded = { status: "superseded" as const, survivingNhsNumber: nhsNumber("9991000119"), at };
    await patients.saveVerification(mistyped.id, superseded, at);
    const check = pdsCheck(valid.id, "9991000097");
    await checks.insert(check);
    const intent = launchIntent(valid.id, "9991000097");
    await launches.insert(intent);

    const numbers = ["9991000089", "9434765918", "9991000097", "9991000119"];
    expect(inClear(await everyTextValue(t.database.db), numbers)).toEqual([]);
    const read = await patients.findById(valid.id);
    expect(read?.nhsNumber).toEqual({ kind: "valid", value: "9991000097" });
    expect(read?.supersededNhsNumbers).toEqual(["9991000089"]);
    expect((await patients.nationalState(valid.id)).snapshot).toEqual(nationalPatient("9991000089"));
    const typo = await patients.findById(mistyped.id);
    expect(typo?.nhsNumber).toEqual({ kind: "invalid", text: "9434765918" });
    expect(typo?.verification).toEqual(superseded);
    expect(await checks.find(check.id)).toEqual(check);
    expect(await launches.findByTokenHash(intent.tokenHash)).toEqual(intent);
  });

  it("finds patients by NHS number through the blind index, by current and by superseded number", async () => {
    const p = newPatient("9991000127");
    await patients.insert(p);
    const state = { status: "unverified" as const, reason: "re-keyed", at, by: null };
    await patients.rekey(p.id, nhsNumber("9991000127"), nhsNumber("9991000135"), state, at);
    expect((await patients.findByNhsNumber(nhsNumber("9991000135")))?.id).toBe(p.id);
    expect(await patients.findByNhsNumber(nhsNumber("9991000127"))).toBeUndefined();
    expect((await patients.findByAnyNhsNumber(nhsNumber("9991000127")))?.id).toBe(p.id);
    const found = await patients.search({ kind: "nhs_number", value: nhsNumber("9991000135") }, 10);
    expect(found.map((x) => x.id)).toEqual([p.id]);
    const row = await t.database.db
      .selectFrom("patients")
      .select("nhs_number_index")
      .where("id", "=", p.id)
      .executeTakeFirstOrThrow();
    // The audit trail's index of the same number: one search by number finds both.
    expect(row.nhs_number_index).toBe(before.indexesOf("9991000135")[0]);
  });

  it("still finds, reads and guards numbers stored before a key was added", async () => {
    const old = newPatient("9991000143");
    await patients.insert(old);
    const state = { status: "unverified" as const, reason: "re-keyed", at, by: null };
    await patients.rekey(old.id, nhsNumber("9991000143"), nhsNumber("9991000151"), state, at);
    const rotated = new SqlPatientRepository(t.database.db, after);

    expect((await rotated.findByNhsNumber(nhsNumber("9991000151")))?.id).toBe(old.id);
    expect((await rotated.findByAnyNhsNumber(nhsNumber("9991000143")))?.id).toBe(old.id);
    expect((await rotated.findById(old.id))?.supersededNhsNumbers).toEqual(["9991000143"]);
    // The unique keys cannot see a number indexed under the older key; the repository still refuses.
    await expect(rotated.insert(newPatient("9991000151"))).rejects.toThrow(/already holds/);
    const other = newPatient("9991000178");
    await rotated.insert(other);
    expect(await rotated.rekey(other.id, nhsNumber("9991000178"), nhsNumber("9991000151"), state, at)).toBe(
      false,
    );
    const reused = newPatient("9991000143");
    await rotated.insert(reused);
    expect(await rotated.rekey(reused.id, nhsNumber("9991000143"), nhsNumber("9991000194"), state, at)).toBe(
      false,
    );
    expect(await rotated.rekey(other.id, nhsNumber("9991000178"), nhsNumber("9991000186"), state, at)).toBe(
      true,
    );
    const row = await t.database.db
      .selectFrom("patients")
      .select(["nhs_number_index", "nhs_number_sealed"])
      .where("id", "=", other.id)
      .executeTakeFirstOrThrow();
    expect([row.nhs_number_index?.split(".")[0], row.nhs_number_sealed?.split(".")[0]]).toEqual(["i2", "e2"]);
    expect((await rotated.findByAnyNhsNumber(nhsNumber("9991000178")))?.id).toBe(other.id);
    expect((await rotated.findById(other.id))?.supersededNhsNumbers).toEqual(["9991000178"]);
  });

  it("binds each sealed number to its row: swapped between rows, or copied from the audit trail, it does not decrypt", async () => {
    const a = newPatient("9991000208");
    const b = newPatient("9991000216");
    await patients.insert(a);
    await patients.insert(b);
    const db = t.database.db;
    const sealedOf = async (id: string) =>
      (
        await db
          .selectFrom("patients")
          .select("nhs_number_sealed")
          .where("id", "=", id)
          .executeTakeFirstOrThrow()
      ).nhs_number_sealed;
    const [sa, sb] = [await sealedOf(a.id), await sealedOf(b.id)];
    await db.updateTable("patients").set({ nhs_number_sealed: sb }).where("id", "=", a.id).execute();
    await db.updateTable("patients").set({ nhs_number_sealed: sa }).where("id", "=", b.id).execute();
    await expect(patients.findById(a.id)).rejects.toThrow(UnreadableNhsNumber);
    await expect(patients.findById(b.id)).rejects.toThrow(UnreadableNhsNumber);
    // The audit trail binds its ciphertext to the bare record id: not to a column of a table.
    const audited = before.protect(a.id, "9991000216").ciphertext;
    await db.updateTable("patients").set({ nhs_number_sealed: audited }).where("id", "=", a.id).execute();
    await expect(patients.findById(a.id)).rejects.toThrow(UnreadableNhsNumber);

    const [ia, ib] = [launchIntent(a.id, "9991000208"), launchIntent(b.id, "9991000216")];
    await launches.insert(ia);
    await launches.insert(ib);
    const sealedIntent = async (ref: string) =>
      (
        await db
          .selectFrom("launch_intents")
          .select("nhs_number_sealed")
          .where("ref", "=", ref)
          .executeTakeFirstOrThrow()
      ).nhs_number_sealed;
    await db
      .updateTable("launch_intents")
      .set({ nhs_number_sealed: await sealedIntent(ib.ref) })
      .where("ref", "=", ia.ref)
      .execute();
    await expect(launches.findByTokenHash(ia.tokenHash)).rejects.toThrow(UnreadableNhsNumber);

    const [ca, cb] = [pdsCheck(a.id, "9991000208"), pdsCheck(b.id, "9991000216")];
    await checks.insert(ca);
    await checks.insert(cb);
    const national = await db
      .selectFrom("pds_checks")
      .select("national_sealed")
      .where("id", "=", cb.id)
      .executeTakeFirstOrThrow();
    await db
      .updateTable("pds_checks")
      .set({ national_sealed: national.national_sealed })
      .where("id", "=", ca.id)
      .execute();
    await expect(checks.find(ca.id)).rejects.toThrow(UnreadableNhsNumber);
  });
});
