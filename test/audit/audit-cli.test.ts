/**
 * `npm run cli -- audit verify` against the real app's database and keys, on both dialects: it
 * passes on an intact trail, and when a row is changed behind the app's back (the trigger dropped
 * or disabled first, as an attacker with database access would) it fails and names the record.
 */
import { spawnSync } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack.ts";
import { entry } from "./audit-fixture.ts";

function verify(stack: Stack) {
  const run = spawnSync(process.execPath, ["src/cli.ts", "audit", "verify"], {
    env: {
      ...process.env,
      DATA_DIR: stack.built.config.dataDir,
      DATABASE_URL: stack.built.config.databaseUrl,
    },
    encoding: "utf8",
  });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

describe.each(["sqlite", "postgres"] as const)("audit verify on %s", (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        stack.built.audit.trail.append(entry({ correlationId: `cli-${i}` })),
      ),
    );
    await stack.built.audit.checkpoints.checkpoint();
  });
  afterAll(async () => stack?.close());

  it("passes an intact trail and its checkpoint", () => {
    const result = verify(stack);
    expect(result.err).toBe("");
    expect(result.status).toBe(0);
    expect(result.out).toMatch(/audit trail verified: records 1–30 \(30\) chain intact/);
    expect(result.out).toMatch(/1 signed checkpoint\(s\) verified; latest covers 30 records/);
  });

  it("fails on a row changed behind the app's back and names the first broken record", async () => {
    const db = stack.built.database.db;
    if (dialect === "sqlite") await sql`drop trigger audit_records_no_update`.execute(db);
    else await sql`alter table audit_records disable trigger user`.execute(db);
    await sql`update audit_records set org_code = 'X26' where seq = 17`.execute(db);
    const result = verify(stack);
    expect(result.status).toBe(1);
    expect(result.err).toMatch(/AUDIT TRAIL DOES NOT VERIFY \(hash_mismatch\): first broken record: 17\./);
  });
});
