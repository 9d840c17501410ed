/**
 * `npm run cli -- mns subscriptions list|create|delete` as an operator runs it (a child process
 * with the service's environment and DATA_DIR), against the MNS simulator's subscription API
 * behind the simulated API platform, which checks the signed JWTs made with our platform key.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APPROVED_TYPES,
  NATIONAL_API_KEY,
  type NationalSimulators,
  startNationalSimulators,
} from "../support/national-simulators.ts";

const run = promisify(execFile);
const ENDPOINT = "mesh://X26ABC1?workflow_id=NCRS_CONNECT_MNS";

describe("npm run cli -- mns subscriptions", () => {
  let sims: NationalSimulators;
  const cli = async (env: Record<string, string>, ...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, ["src/cli.ts", "mns", "subscriptions", ...args], {
        env: { PATH: process.env["PATH"] ?? "", ...sims.env, ...env },
      });
      return { code: 0, out: stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, out: `${failed.stdout}${failed.stderr}` };
    }
  };

  beforeAll(async () => {
    sims = await startNationalSimulators();
  });
  afterAll(async () => sims?.close());

  it("lists none and names every accepted event type as missing, creates one per type, then lists them as ours; a second create reports them as existing", async () => {
    const empty = await cli({}, "list");
    expect(empty.code).toBe(0);
    expect(empty.out).toContain("no subscriptions");
    expect(empty.out).toContain(
      `missing (no events of these types will arrive): ${APPROVED_TYPES.join(", ")}`,
    );

    const created = await cli({}, "create");
    expect(created.code).toBe(0);
    const createdLines = created.out.trim().split("\n");
    expect(createdLines.map((l) => l.split(/\s+/).slice(0, 2))).toEqual(
      APPROVED_TYPES.map((t) => ["created", t]),
    );

    const listed = await cli({}, "list");
    const rows = listed.out.trim().split("\n");
    expect(rows).toHaveLength(APPROVED_TYPES.length);
    for (const row of rows)
      expect(row).toMatch(new RegExp(`active\\s+\\S+\\s+${ENDPOINT.replace(/[?]/g, "\\?")}\\s+ours$`));

    const again = await cli({}, "create");
    expect(
      again.out
        .trim()
        .split("\n")
        .every((l) => l.startsWith("exists")),
    ).toBe(true);
    expect(listed.out + created.out).not.toContain(NATIONAL_API_KEY);
  });

  it("deletes by id; the deleted type is then named as missing; an unknown id exits 1", async () => {
    const listed = await cli({}, "list");
    const firstRow = listed.out.trim().split("\n")[0] ?? "";
    const [id, , type] = firstRow.split(/\s+/);
    const deleted = await cli({}, "delete", id ?? "");
    expect(deleted).toEqual({ code: 0, out: `deleted    ${id}\n` });
    expect((await cli({}, "list")).out).toContain(`missing (no events of these types will arrive): ${type}`);
    const unknown = await cli({}, "delete", id ?? "");
    expect(unknown.code).toBe(1);
    expect(unknown.out).toContain(`not found  ${id}`);
  });

  it("exits 1 with MNS's refusal and what to do when the publisher has not approved the event type", async () => {
    const refused = await cli({}, "create", "patientflags-change-1");
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(
      "mns.not_approved: MNS refused: the publisher has not approved this subscriber",
    );
    expect(refused.out).toContain("Ask for publisher approval");
  });

  it("exits 1 saying what to set when MNS_SUBSCRIPTION_MAILBOX_ID or MNS_API_BASE_URL is missing", async () => {
    const noMailbox = await cli(
      { MNS_SUBSCRIPTION_MAILBOX_ID: "", MNS_DELIVERY: "http", MESH_MAILBOX_ID: "" },
      "create",
    );
    expect(noMailbox.code).toBe(1);
    expect(noMailbox.out).toContain(
      "MNS_SUBSCRIPTION_MAILBOX_ID (or MESH_MAILBOX_ID): required to create subscriptions",
    );
    const noMns = await cli({ MNS_API_BASE_URL: "" }, "list");
    expect(noMns.code).toBe(1);
    expect(noMns.out).toContain("MNS_API_BASE_URL: not set");
  });
});
