/**
 * The doctor at start (DOCTOR_AT_START=auto in a profile without simulators, as INT): the real
 * process (src/main.ts) logs one line per check, a failure as an error with its fix, and exports
 * ncrs_doctor_check_ok; a failing national service never makes the instance unready.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMnsSubscriptions } from "../../src/composition/mns.composition.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { doctorRunsAtStart } from "../../src/config/settings-doctor.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { metricValue } from "../support/metrics.ts";
import {
  APPROVED_TYPES,
  type NationalSimulators,
  startNationalSimulators,
} from "../support/national-simulators.ts";
import { freePort } from "../support/stack.ts";

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly doctorCheck?: string;
  readonly fix?: string;
}

describe("the doctor at start", () => {
  let sims: NationalSimulators;
  let child: ChildProcess;
  let baseUrl: string;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    sims = await startNationalSimulators();
    const mns = await buildMnsSubscriptions(loadConfig(sims.env), `${sims.dataDir}/keys`, systemClock);
    const destination = mns?.destination ?? { mailboxId: "", workflowId: "" };
    for (const type of APPROVED_TYPES) await mns?.client.create(type, destination);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ["src/main.ts"], {
      env: {
        PATH: process.env["PATH"] ?? "",
        ...sims.env,
        PORT: String(port),
        PUBLIC_URL: `http://localhost:${port}`,
        // PDS at a wrong base path: found at start, not at the first clinician's check.
        PDS_BASE_URL: `${sims.pds.origin}/personal-demographics/FHIR/R3`,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    await new Promise<void>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`the service exited (${code})`)));
      reader.on("line", (text) => {
        if (!text.startsWith("{")) return;
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        if (/^doctor: (every|\d+ check)/.test(line.msg)) resolve();
      });
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await sims?.close();
  });

  it("logs the failing check as an error with its fix, the others as passed, and counts them in ncrs_doctor_check_ok", async () => {
    const pds = lines.find((l) => l.doctorCheck === "pds");
    expect(pds?.level).toBe(50);
    expect(pds?.msg).toMatch(/^doctor: pds failed: .*HTTP 404/);
    expect(pds?.fix).toMatch(/^PDS_BASE_URL must be PDS FHIR R4's base/);
    const passed = lines.filter((l) => l.doctorCheck && l.doctorCheck !== "pds" && l.level === 30);
    expect(passed.map((l) => l.doctorCheck).sort()).toEqual(
      [
        "apim-token",
        "cis2-discovery",
        "cis2-jwks",
        "mesh-handshake",
        "mns-subscriptions",
        "ncrs-template-host",
      ].sort(),
    );
    expect(await metricValue(baseUrl, "ncrs_doctor_check_ok", { check: "pds" })).toBe(0);
    expect(await metricValue(baseUrl, "ncrs_doctor_check_ok", { check: "cis2-discovery" })).toBe(1);
  });

  it("readiness must not depend on national services: with the doctor's PDS check failing /readyz is 200 and asks only database, migrations and keys", async () => {
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: { name: string }[] };
    expect(body.checks.map((c) => c.name)).toEqual(["database", "migrations", "keys"]);
  });

  it("runs at start only in a profile without simulators unless told: auto, always, never", () => {
    expect(doctorRunsAtStart({ doctorAtStart: "auto", simulatedServices: [] })).toBe(true);
    expect(doctorRunsAtStart({ doctorAtStart: "auto", simulatedServices: ["cis2", "pds"] })).toBe(false);
    expect(doctorRunsAtStart({ doctorAtStart: "always", simulatedServices: ["cis2"] })).toBe(true);
    expect(doctorRunsAtStart({ doctorAtStart: "never", simulatedServices: [] })).toBe(false);
  });
});
