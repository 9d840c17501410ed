import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BURST_POOL } from "../patient-pool.ts";
import { type Harness, pdsVersion, startHarness } from "../test-support/harness.ts";
import { jsonOf } from "../test-support/receiver.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

describe("burst", () => {
  it("delivers 200 events over 20 patients, each a distinct change at PDS", async () => {
    const patients = BURST_POOL.slice(0, 20);
    const before = new Map<string, number>();
    for (const nhs of patients) before.set(nhs, await pdsVersion(harness, nhs));

    const { status, body } = await harness.control("POST", "/burst", { count: 200, patients: 20 });

    expect(status).toBe(200);
    expect(body).toMatchObject({ count: 200, delivered: 200, failed: 0, changeFailed: 0 });
    const events = harness.receiver.requests.map(jsonOf);
    expect(events).toHaveLength(200);
    expect(new Set(events.map((event) => event["id"])).size).toBe(200);
    for (const nhs of patients) {
      const start = before.get(nhs) ?? 0;
      expect(await pdsVersion(harness, nhs)).toBe(start + 10);
      // Every event names its own version, even with changes to one patient running at once.
      const versions = events
        .filter((event) => event["subject"] === nhs)
        .map((event) => Number(event["versionid"]));
      expect(versions.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => start + i + 1));
    }
  });

  it("uses the listed numbers, types and format", async () => {
    const { body } = await harness.control("POST", "/burst", {
      count: 6,
      nhsNumbers: ["9991000038", "9991000046"],
      types: ["pds-change-of-gp-2"],
      format: "fhir",
      concurrency: 2,
    });
    expect(body).toMatchObject({ delivered: 6, byType: { "pds-change-of-gp-2": 6 } });
    expect(
      harness.receiver.requests.every((r) => r.headers["content-type"] === "application/fhir+json"),
    ).toBe(true);
  });

  it("counts refused changes and undelivered events separately", async () => {
    harness.receiver.respondWith(500);
    const { body } = await harness.control("POST", "/burst", {
      count: 4,
      nhsNumbers: ["9991000038", "9991000003"],
      attempts: 1,
      concurrency: 1,
    });
    expect(body).toMatchObject({ count: 4, delivered: 1, failed: 1, changeFailed: 2 });
    expect((body["errors"] as string[])[0]).toContain("9991000003");
  });

  it.each([
    [{ count: 0 }],
    [{ count: 5, types: ["nhs-number-change-2"] }],
    [{ count: 5, patients: BURST_POOL.length + 1 }],
    [{ count: 5, patients: 2, nhsNumbers: ["9991000038"] }],
  ])("rejects %j", async (request) => {
    expect((await harness.control("POST", "/burst", request)).status).toBe(400);
  });
});
