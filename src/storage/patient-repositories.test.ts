import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, openTestDatabase, type TestDatabase } from "../../test/support/databases.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import type { Demographics } from "../patients/patient.types.ts";
import type { NewPatient } from "../patients/patients.ports.ts";
import { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { SqlPatientRepository } from "./patient.repository.ts";
import { SqlPatientContextRepository } from "./patient-context.repository.ts";

const at = new Date("2026-11-22T10:00:00Z");
const local = { source: "local" as const, recordedAt: at, pdsVersion: null };

function newPatient(overrides: Partial<NewPatient> = {}): NewPatient {
  const demographics: Demographics = {
    name: { value: { prefix: "Mr", given: ["Oscar", "James"], family: "Hartley" }, provenance: local },
    birthDate: { value: "1984-03-14", provenance: local },
    gender: { value: "male", provenance: local },
    address: { value: { lines: ["12 Elm Grove"], postalCode: "LS6 2AB" }, provenance: local },
    phone: { value: "0113 496 0000", provenance: local },
    email: null,
    gpOdsCode: { value: "Y90002", provenance: local },
    death: null,
  };
  return {
    id: randomUUID(),
    mrn: `RX1-${randomUUID().slice(0, 6)}`,
    nhsNumberText: null,
    demographics,
    createdAt: at,
    ...overrides,
  };
}

describe.each(dialects)("patient repositories on %s", (dialect) => {
  let t: TestDatabase;
  let repo: SqlPatientRepository;
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
    const keys = [{ id: "k1", key: randomBytes(32) }];
    repo = new SqlPatientRepository(t.database.db, new NhsNumberProtection(keys, keys));
  });
  afterAll(async () => t.drop());

  it("keeps identifiers apart from demographics, each with its provenance", async () => {
    const p = newPatient({ nhsNumberText: "999 100 0054" });
    await repo.insert(p);
    const found = await repo.findById(p.id);
    expect(found?.nhsNumber).toEqual({ kind: "valid", value: "9991000054" });
    expect(found?.demographics.name).toEqual(p.demographics.name);
    expect(found?.demographics.address?.provenance).toEqual(local);
    expect(found?.verification).toEqual({ status: "unverified", reason: null, at: null, by: null });
  });

  it("keeps a mistyped local NHS number as text, never as a valid number", async () => {
    const p = newPatient({ nhsNumberText: "9434765918" });
    await repo.insert(p);
    expect((await repo.findById(p.id))?.nhsNumber).toEqual({ kind: "invalid", text: "9434765918" });
  });

  it("finds patients by NHS number, MRN, birth date and name", async () => {
    const p = newPatient({
      nhsNumberText: "9991000046",
      demographics: {
        ...newPatient().demographics,
        name: { value: { given: ["Siobhan"], family: "O'Neill" }, provenance: local },
        birthDate: { value: "2001-05-09", provenance: local },
      },
    });
    await repo.insert(p);
    expect(
      (await repo.search({ kind: "nhs_number", value: nhsNumber("9991000046") }, 10)).map((x) => x.id),
    ).toEqual([p.id]);
    expect((await repo.search({ kind: "mrn", value: p.mrn }, 10)).map((x) => x.id)).toEqual([p.id]);
    expect((await repo.search({ kind: "birth_date", value: "2001-05-09" }, 10)).map((x) => x.id)).toEqual([
      p.id,
    ]);
    expect((await repo.search({ kind: "name", terms: ["o'neill", "siob"] }, 10)).map((x) => x.id)).toEqual([
      p.id,
    ]);
    expect(await repo.search({ kind: "name", terms: ["nobody"] }, 10)).toEqual([]);
  });

  it("lists search results by family name, then given names, as the banner writes them", async () => {
    const born = "1950-02-03";
    const named = (given: string[], family: string) =>
      newPatient({
        demographics: {
          ...newPatient().demographics,
          name: { value: { given, family }, provenance: local },
          birthDate: { value: born, provenance: local },
        },
      });
    for (const p of [named(["Amelia"], "Zephyr"), named(["Zoe"], "Adams"), named(["Bea"], "Adams")])
      await repo.insert(p);
    const found = await repo.search({ kind: "birth_date", value: born }, 10);
    expect(
      found.map((p) => `${p.demographics.name?.value.family} ${p.demographics.name?.value.given}`),
    ).toEqual(["Adams Bea", "Adams Zoe", "Zephyr Amelia"]);
  });

  it("removes location data when PDS says the record is restricted, and records death from PDS", async () => {
    const p = newPatient();
    await repo.insert(p);
    const pds = { source: "pds" as const, recordedAt: at, pdsVersion: "5" };
    await repo.applyNationalFacts(
      p.id,
      {
        confidentiality: "restricted",
        death: { value: { dateTime: "2024-02-11", notificationStatus: "formal" }, provenance: pds },
      },
      at,
    );
    const found = await repo.findById(p.id);
    expect(found?.confidentiality).toBe("restricted");
    expect([found?.demographics.address, found?.demographics.phone, found?.demographics.gpOdsCode]).toEqual([
      null,
      null,
      null,
    ]);
    expect(found?.demographics.name).not.toBeNull();
    expect(found?.demographics.death?.provenance).toEqual(pds);
  });

  it("re-keys to the surviving number, keeps the old one findable, and refuses a number another record holds", async () => {
    const a = newPatient({ nhsNumberText: "9991000003" });
    const b = newPatient({ nhsNumberText: "9991000038" });
    await repo.insert(a);
    await repo.insert(b);
    const state = { status: "unverified" as const, reason: "re-keyed", at, by: null };
    expect(await repo.rekey(a.id, nhsNumber("9991000003"), nhsNumber("9991000038"), state, at)).toBe(false);
    expect((await repo.findById(a.id))?.nhsNumber).toEqual({ kind: "valid", value: "9991000003" });
    expect(await repo.rekey(a.id, nhsNumber("9991000003"), nhsNumber("9991000100"), state, at)).toBe(true);
    const moved = await repo.findById(a.id);
    expect(moved?.nhsNumber).toEqual({ kind: "valid", value: "9991000100" });
    expect(moved?.supersededNhsNumbers).toEqual(["9991000003"]);
    expect(
      (await repo.search({ kind: "nhs_number", value: nhsNumber("9991000003") }, 10)).map((x) => x.id),
    ).toEqual([a.id]);
  });

  it("supersedes a tab's earlier context when another patient is selected there, atomically", async () => {
    const contexts = new SqlPatientContextRepository(t.database.db);
    const p = newPatient();
    await repo.insert(p);
    const base = {
      sessionId: "s1",
      tabId: "tab-aaaaaaaaaaaaaaaa",
      patientId: p.id,
      createdAt: at,
      expiresAt: new Date(at.getTime() + 60_000),
      supersededAt: null,
    };
    await contexts.create({ ...base, id: "ctx-first-aaaaaaaaaaaa" });
    await contexts.create({ ...base, id: "ctx-other-tab-aaaaaaa", tabId: "tab-bbbbbbbbbbbbbbbb" });
    await contexts.create({ ...base, id: "ctx-second-aaaaaaaaaaa", createdAt: new Date(at.getTime() + 1) });
    expect((await contexts.find("ctx-first-aaaaaaaaaaaa"))?.supersededAt).toBeInstanceOf(Date);
    expect((await contexts.find("ctx-other-tab-aaaaaaa"))?.supersededAt).toBeNull();
    expect((await contexts.currentForTab("s1", "tab-aaaaaaaaaaaaaaaa"))?.id).toBe("ctx-second-aaaaaaaaaaa");
  });
});
