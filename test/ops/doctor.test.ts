/**
 * The start-up doctor against the national simulators, over real HTTP: every check passes against
 * a correct configuration (through `npm run cli -- doctor`, exit 0, nothing secret printed), and
 * each check fails with its own fix against a configuration broken in the way it guards against,
 * the doctor then exiting 1.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doctorChecks } from "../../src/composition/doctor.composition.ts";
import { buildMnsSubscriptions } from "../../src/composition/mns.composition.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { type CheckOutcome, runDoctor } from "../../src/ops/doctor/doctor.ts";
import { systemClock } from "../../src/platform/clock.ts";
import {
  APPROVED_TYPES,
  NATIONAL_API_KEY,
  type NationalSimulators,
  startNationalSimulators,
} from "../support/national-simulators.ts";
import { freePort } from "../support/stack.ts";

const run = promisify(execFile);
const TEST_PATIENT = "9991000038";

async function cli(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout } = await run(process.execPath, ["src/cli.ts", ...args], {
      env: { PATH: process.env["PATH"] ?? "", ...env },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe("the doctor", () => {
  let sims: NationalSimulators;

  async function outcomes(overrides: Record<string, string>): Promise<Map<string, CheckOutcome>> {
    const config = loadConfig({ ...sims.env, ...overrides });
    const report = await runDoctor(await doctorChecks(config, `${sims.dataDir}/keys`, systemClock));
    expect(report.ok).toBe(false);
    return new Map(report.outcomes.map((o) => [o.name, o]));
  }

  beforeAll(async () => {
    sims = await startNationalSimulators();
    const mns = await buildMnsSubscriptions(loadConfig(sims.env), `${sims.dataDir}/keys`, systemClock);
    for (const type of APPROVED_TYPES)
      await mns?.client.create(type, mns.destination ?? { mailboxId: "", workflowId: "" });
  });
  afterAll(async () => sims?.close());

  it("passes every check against the simulators, one line each, exit 0, printing no key, token or NHS number", async () => {
    const { code, stdout } = await cli({ ...sims.env, DOCTOR_PDS_TEST_PATIENT: TEST_PATIENT }, "doctor");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "PASS cis2-discovery",
      "PASS cis2-jwks",
      "PASS apim-token",
      "PASS pds",
      "PASS ncrs-template-host",
      "PASS mns-subscriptions",
      "PASS mesh-handshake",
      "doctor: every",
    ]);
    expect(stdout).not.toContain(NATIONAL_API_KEY);
    expect(stdout).not.toContain(TEST_PATIENT);
    expect(stdout).not.toMatch(/Bearer|eyJ/);
  });

  it("fails cis2-discovery and cis2-jwks, each with its fix, when CIS2_ISSUER is not a CIS2 realm", async () => {
    const checks = await outcomes({ CIS2_ISSUER: `${sims.cis2.issuer}/realms/Wrong` });
    expect(checks.get("cis2-discovery")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/HTTP 404/),
    });
    expect(checks.get("cis2-discovery")?.hint).toMatch(/^CIS2_ISSUER must be CIS2's issuer exactly/);
    expect(checks.get("cis2-jwks")).toMatchObject({ status: "fail" });
    expect(checks.get("cis2-jwks")?.hint).toMatch(
      /^Fix cis2-discovery first\. CIS2's jwks_uri must be reachable/,
    );
  });

  it("fails cis2-discovery when CIS2_ISSUER differs from the issuer CIS2 states (the :443 mistake), saying to copy it exactly", async () => {
    const checks = await outcomes({ CIS2_ISSUER: sims.cis2.issuer.replace("localhost", "127.0.0.1") });
    expect(checks.get("cis2-discovery")?.detail).toMatch(/issuer is .* not CIS2_ISSUER/);
    expect(checks.get("cis2-discovery")?.hint).toMatch(
      /^Set CIS2_ISSUER to the discovery document's issuer exactly/,
    );
    expect(checks.get("cis2-jwks")?.status).toBe("pass");
  });

  it("fails apim-token with the platform's refusal and what to fix for an unregistered API key; pds then says to fix the token first", async () => {
    const checks = await outcomes({ APIM_API_KEY: "not-registered-api-key" });
    expect(checks.get("apim-token")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^apim\.refused/),
    });
    expect(checks.get("apim-token")?.hint).toMatch(
      /^APIM_API_KEY must be this environment's application key/,
    );
    expect(checks.get("pds")?.hint).toBe("Fix apim-token first.");
    expect(checks.get("mns-subscriptions")?.hint).toBe("Fix apim-token first.");
    expect(checks.get("cis2-discovery")?.status).toBe("pass");
  });

  it("fails apim-token saying to register our JWKS URL when the platform cannot fetch our public keys", async () => {
    await fetch(`${sims.pds.origin}/_sim/apim/scenario`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scenario: "jwks-unreachable" }),
    });
    try {
      const checks = await outcomes({});
      expect(checks.get("apim-token")?.detail).toMatch(/^apim\.invalid_key/);
      expect(checks.get("apim-token")?.hint).toMatch(
        /register http:\/\/localhost:3000\/\.well-known\/jwks\.json as the application's JWKS URL/,
      );
    } finally {
      await fetch(`${sims.pds.origin}/_sim/apim/reset`, { method: "POST" });
    }
  });

  it("fails pds with the base URL to use when PDS_BASE_URL's path is wrong", async () => {
    const checks = await outcomes({ PDS_BASE_URL: `${sims.pds.origin}/personal-demographics/FHIR/R3` });
    expect(checks.get("pds")).toMatchObject({ status: "fail", detail: expect.stringMatching(/HTTP 404/) });
    expect(checks.get("pds")?.hint).toMatch(/^PDS_BASE_URL must be PDS FHIR R4's base/);
  });

  it("fails ncrs-template-host when the deep link's host does not answer, without asking for a patient", async () => {
    const closed = await freePort();
    const checks = await outcomes({
      NCRS_LAUNCH_TEMPLATE: `http://127.0.0.1:${closed}/launch?nhsNumber={nhsNumber}`,
    });
    expect(checks.get("ncrs-template-host")).toMatchObject({
      status: "fail",
      detail: `http://127.0.0.1:${closed}: connection refused`,
    });
    expect(checks.get("ncrs-template-host")?.hint).toMatch(/^NCRS_LAUNCH_TEMPLATE must be the deep link/);
  });

  it("fails mns-subscriptions naming the event types no subscription delivers to our mailbox, and how to create them", async () => {
    const checks = await outcomes({ MNS_SUBSCRIPTION_MAILBOX_ID: "X26OTHER" });
    expect(checks.get("mns-subscriptions")?.detail).toBe(
      `no subscription delivers ${APPROVED_TYPES.join(", ")} to mesh://X26OTHER?workflow_id=NCRS_CONNECT_MNS`,
    );
    expect(checks.get("mns-subscriptions")?.hint).toMatch(/^Run `npm run cli -- mns subscriptions create`/);
  });

  it("fails mns-subscriptions saying to ask for publisher approval when MNS has not onboarded the application (403)", async () => {
    await fetch(`${sims.mns.origin}/_sim/subscriptions/approvals/${NATIONAL_API_KEY}`, { method: "DELETE" });
    try {
      const checks = await outcomes({});
      expect(checks.get("mns-subscriptions")?.detail).toMatch(/^mns\.not_approved/);
      expect(checks.get("mns-subscriptions")?.hint).toMatch(/^Ask for publisher approval of each event type/);
    } finally {
      await fetch(`${sims.mns.origin}/_sim/subscriptions/approvals`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ apiKey: NATIONAL_API_KEY, eventTypes: APPROVED_TYPES }),
      });
    }
  });

  it("fails mns-subscriptions with the base path to use when MNS_API_BASE_URL is wrong", async () => {
    const checks = await outcomes({ MNS_API_BASE_URL: `${sims.mns.origin}/mns` });
    expect(checks.get("mns-subscriptions")?.detail).toMatch(/^mns\.bad_response/);
    expect(checks.get("mns-subscriptions")?.hint).toMatch(
      /MNS_API_BASE_URL: it ends in \/multicast-notification-service/,
    );
  });

  it("fails mesh-handshake with what to fix when MESH refuses the mailbox's credentials, never printing them", async () => {
    const checks = await outcomes({ MESH_MAILBOX_PASSWORD: "not-the-password" });
    expect(checks.get("mesh-handshake")).toMatchObject({ status: "fail", detail: "mesh.auth_refused" });
    expect(checks.get("mesh-handshake")?.hint).toMatch(
      /^MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD and MESH_SHARED_KEY/,
    );
    expect(JSON.stringify([...checks.values()])).not.toContain("not-the-password");
  });

  it("fails mesh-handshake saying which file to fix when the client certificate cannot be read", async () => {
    const checks = await outcomes({ MESH_CLIENT_CERT: `${sims.dataDir}/mesh/missing.crt` });
    expect(checks.get("mesh-handshake")?.detail).toMatch(/^MESH_CLIENT_CERT: cannot read /);
    expect(checks.get("mesh-handshake")?.hint).toMatch(/readable PEM files/);
  });

  it("subscriptions name the mailbox the MESH poller reads when MNS_SUBSCRIPTION_MAILBOX_ID is unset", async () => {
    const { MNS_SUBSCRIPTION_MAILBOX_ID: _set, ...env } = sims.env;
    const mns = await buildMnsSubscriptions(loadConfig(env), `${sims.dataDir}/keys`, systemClock);
    expect(mns?.destination?.mailboxId).toBe(sims.env["MESH_MAILBOX_ID"]);
  });

  it("against a configuration broken everywhere, prints a FAIL line with its fix for every check and exits 1", async () => {
    const { code, stdout } = await cli(
      {
        ...sims.env,
        CIS2_ISSUER: `${sims.cis2.issuer}/realms/Wrong`,
        APIM_API_KEY: "not-registered-api-key",
        NCRS_LAUNCH_TEMPLATE: "http://127.0.0.1:9/launch?nhsNumber={nhsNumber}",
        MESH_SHARED_KEY: "not-the-shared-key",
      },
      "doctor",
    );
    expect(code).toBe(1);
    const fails = stdout.split("\n").filter((l) => l.startsWith("FAIL"));
    expect(fails.map((l) => l.split(/\s+/)[1])).toEqual([
      "cis2-discovery",
      "cis2-jwks",
      "apim-token",
      "pds",
      "ncrs-template-host",
      "mns-subscriptions",
      "mesh-handshake",
    ]);
    expect(stdout.match(/^\s+fix: /gm)).toHaveLength(7);
    expect(stdout).toContain("doctor: 7 check(s) failed");
    expect(stdout).not.toContain("not-the-shared-key");
    expect(stdout).not.toContain("not-registered-api-key");
  });
});
