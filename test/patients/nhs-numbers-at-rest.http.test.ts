/**
 * NHS numbers at rest through the real app, on both dialects: after a clinician selects a demo
 * patient, verifies them with PDS and opens NCRS, no table of the database holds an NHS number in
 * clear, in any text column (ten digits or 3-3-4), audit and event tables included: theirs are
 * protected columns, and their free text masks numbers. On SQLite the database file and its
 * write-ahead log are searched too, as a copy of them would be read.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PATIENTS } from "../../src/patients/demo-patients.ts";
import { everyTextValue, inClear } from "../../src/storage/nhs-numbers-at-rest.test-support.ts";
import { HttpAgent } from "../support/http-agent.ts";
import { launchFormIn, pressLaunch, verifiedPatientPage } from "../support/launch.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const DEMO_NUMBERS = DEMO_PATIENTS.flatMap((p) => (p.nhsNumber ? [p.nhsNumber] : []));

describe.each(["sqlite", "postgres"] as const)("NHS numbers at rest through the app on %s", (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect });
  });
  afterAll(async () => stack.close());

  it("after selecting, verifying and launching a patient, no table holds an NHS number in clear", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const page = await verifiedPatientPage(agent, stack.baseUrl, "999 100 0054", "RX1-000101");
    const launched = await pressLaunch(agent, stack.baseUrl, launchFormIn(page)?.launchId ?? "");
    expect(launched.location).toBe(stack.ncrs.launchTemplate.replace("{nhsNumber}", "9991000054"));
    const db = stack.built.database.db;
    // The journey left its rows: a PDS check with PDS's answer, a launch, audit records.
    for (const table of ["pds_checks", "launch_intents", "audit_records"] as const) {
      const { n } = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(n), table).toBeGreaterThan(0);
    }

    const values = await everyTextValue(db);
    expect(values.length).toBeGreaterThan(100);
    expect(inClear(values, ["9991000054"])).toEqual([]);
    expect(inClear(values, DEMO_NUMBERS)).toEqual([]);
    if (dialect === "sqlite") {
      const path = stack.built.config.databaseUrl.slice("sqlite:".length);
      const files = [path, `${path}-wal`].map((f) => readFileSync(f).toString("latin1"));
      expect(inClear(files, DEMO_NUMBERS)).toEqual([]);
    }
  });
});
