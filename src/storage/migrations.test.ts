/** Upgrading a database that already holds patients, on both dialects. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, freshDatabaseUrl } from "../../test/support/databases.ts";
import { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { type Database, openDatabase } from "./database.ts";
import { migrateToLatest, migratorFor } from "./migrate.ts";
import { SqlPatientRepository } from "./patient.repository.ts";

describe.each(dialects)("migrations on %s", (dialect) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabaseUrl(dialect);
    drop = fresh.drop;
    database = openDatabase(fresh.url, { poolMax: 2 });
  });
  afterAll(async () => {
    await database.close();
    await drop();
  });

  it("lists existing patients by family name after 0008, across its batches", async () => {
    expect((await migratorFor(database).migrateTo("0007-housekeeping-indexes")).error).toBeUndefined();
    // 1,201 patients, more than two of the migration's batches; the last three are the ones looked at.
    const named = (i: number): [string, string[]] =>
      i === 1198
        ? ["Zephyr", ["Amelia"]]
        : i === 1199
          ? ["Adams", ["Zoe"]]
          : i === 1200
            ? ["Moss", ["Kit"]]
            : ["Other", [`X${i}`]];
    for (let i = 0; i < 1201; i += 200) {
      const ids = Array.from({ length: Math.min(200, 1201 - i) }, (_, k) => i + k);
      await database.db
        .insertInto("patients")
        .values(
          ids.map((n) => {
            const [family, given] = named(n);
            return {
              id: `patient-${String(n).padStart(5, "0")}`,
              mrn: `RX1-${String(n).padStart(6, "0")}`,
              nhs_number: null,
              nhs_number_invalid_text: null,
              confidentiality: "unrestricted",
              verification_status: "unverified",
              verification_json: '{"status":"unverified","reason":null,"at":null,"by":null}',
              search_name: `${given.join(" ")} ${family}`.toLowerCase(),
              birth_date: null,
              created_at: 0,
              updated_at: 0,
            };
          }),
        )
        .execute();
      await database.db
        .insertInto("patient_demographics")
        .values(
          ids.map((n) => {
            const [family, given] = named(n);
            return {
              patient_id: `patient-${String(n).padStart(5, "0")}`,
              field: "name",
              value_json: JSON.stringify({ given, family }),
              source: "local",
              recorded_at: 0,
              pds_version: null,
            };
          }),
        )
        .execute();
    }
    expect(await migrateToLatest(database)).toContain("0008-patients-sorted-by-family-name");
    const keys = [{ id: "k1", key: randomBytes(32) }];
    const repo = new SqlPatientRepository(database.db, new NhsNumberProtection(keys, keys));
    const found = await repo.search({ kind: "name", terms: ["a"] }, 10);
    expect(found.map((p) => p.demographics.name?.value.family)).toEqual(["Adams", "Zephyr"]);
    const all = await repo.search({ kind: "name", terms: ["i"] }, 3);
    expect(all.map((p) => p.demographics.name?.value.family)).toEqual(["Moss", "Zephyr"]);
  });
});
