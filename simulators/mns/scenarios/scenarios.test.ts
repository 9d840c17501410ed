import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isValidNhsNumber } from "../nhs-number.ts";
import { type Harness, pdsVersion, startHarness } from "../test-support/harness.ts";
import { jsonOf } from "../test-support/receiver.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

describe("duplicate", () => {
  it("publishes a new change and sends its event twice with one id and one body", async () => {
    const before = await pdsVersion(harness, "9991000046");
    const { status, body } = await harness.control("POST", "/duplicate", {
      type: "pds-record-change-2",
      nhsNumber: "9991000046",
    });
    expect(status).toBe(200);
    const [first, second] = harness.receiver.requests;
    expect(harness.receiver.requests).toHaveLength(2);
    expect(jsonOf(first)["id"]).toBe(body["eventId"]);
    expect(second?.body).toBe(first?.body);
    // Two deliveries, so two correlation ids, but only one change at PDS.
    expect(first?.headers["x-correlation-id"]).not.toBe(second?.headers["x-correlation-id"]);
    expect(await pdsVersion(harness, "9991000046")).toBe(before + 1);
  });

  it("sends an earlier event again, by id, twice", async () => {
    const published = await harness.control("POST", "/publish", {
      type: "pds-change-of-gp-2",
      nhsNumber: "9991000046",
      format: "fhir",
    });
    const eventId = published.body["eventId"];
    const { status } = await harness.control("POST", "/duplicate", { eventId });
    expect(status).toBe(200);
    const bodies = harness.receiver.requests.map((request) => request.body);
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    expect(jsonOf(harness.receiver.requests[2])["id"]).toBe(eventId);
  });

  it("answers 404 for an event id it never sent", async () => {
    const { status } = await harness.control("POST", "/duplicate", { eventId: randomUUID() });
    expect(status).toBe(404);
    expect(harness.receiver.requests).toHaveLength(0);
  });
});

describe("out of order", () => {
  it.each(["cloudevent", "fhir"] as const)("delivers version n+2 before n+1 (%s)", async (format) => {
    const before = await pdsVersion(harness, "9991000038");
    const { body } = await harness.control("POST", "/out-of-order", { nhsNumber: "9991000038", format });
    expect(await pdsVersion(harness, "9991000038")).toBe(before + 2);
    const versions = harness.receiver.requests.map((request) => {
      const event = jsonOf(request);
      if (format === "cloudevent") return event["versionid"];
      return /"name":"version-id","valueString":"W\/\\"(\d+)\\""/.exec(request.body)?.[1];
    });
    expect(versions).toEqual([String(before + 2), String(before + 1)]);
    const older = body["older"] as { eventId: string; versionId: string };
    const newer = body["newer"] as { eventId: string; versionId: string };
    expect(body["deliveredOrder"]).toEqual([newer.eventId, older.eventId]);
    expect(Number(newer.versionId)).toBeGreaterThan(Number(older.versionId));
  });
});

describe("unknown patient", () => {
  it("sends an event for a valid 999-range number PDS does not hold", async () => {
    const { status, body } = await harness.control("POST", "/unknown-patient");
    expect(status).toBe(200);
    const subject = String(jsonOf(harness.receiver.requests[0])["subject"]);
    expect(subject).toBe(body["nhsNumber"]);
    expect(subject).toMatch(/^999\d{7}$/);
    expect(isValidNhsNumber(subject)).toBe(true);
    const read = await fetch(`${harness.pds.baseUrl}/Patient/${subject}`, {
      headers: { "X-Request-ID": randomUUID() },
    });
    expect(read.status).toBe(404);
    expect(jsonOf(harness.receiver.requests[0])["versionid"]).toBeUndefined();
  });

  it("uses a given number, but refuses one PDS holds", async () => {
    const given = await harness.control("POST", "/unknown-patient", {
      nhsNumber: "9993000000",
      format: "fhir",
    });
    expect(given.body["nhsNumber"]).toBe("9993000000");
    expect(harness.receiver.requests[0]?.headers["content-type"]).toBe("application/fhir+json");
    expect((await harness.control("POST", "/unknown-patient", { nhsNumber: "9991000038" })).status).toBe(409);
  });
});
