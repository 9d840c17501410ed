import { randomUUID } from "node:crypto";
import type { Patient } from "fhir/r4.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, pdsVersion, startHarness } from "./test-support/harness.ts";
import { jsonOf } from "./test-support/receiver.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

async function storedPatient(nhsNumber: string): Promise<Patient> {
  return (await harness.pdsControl("GET", `/patients/${nhsNumber}`)).body["patient"] as Patient;
}

/** Reads the patient from the PDS Patient API, as the product does on receiving an event. */
async function readPds(nhsNumber: string): Promise<{ status: number; patient: Patient }> {
  const response = await fetch(`${harness.pds.baseUrl}/Patient/${nhsNumber}`, {
    headers: { "X-Request-ID": randomUUID() },
  });
  return { status: response.status, patient: (await response.json()) as Patient };
}

describe("a change is made at PDS before its event is delivered", () => {
  it("record change: the receiver's re-read already shows the event's version", async () => {
    const before = await pdsVersion(harness, "9991000038");
    const seenOnArrival: string[] = [];
    harness.receiver.beforeAnswer(async () => {
      seenOnArrival.push((await readPds("9991000038")).patient.meta?.versionId ?? "");
    });
    const { status, body } = await harness.control("POST", "/publish", {
      type: "pds-record-change-2",
      nhsNumber: "9991000038",
    });
    expect(status).toBe(200);
    expect(await pdsVersion(harness, "9991000038")).toBe(before + 1);
    const event = jsonOf(harness.receiver.requests[0]);
    expect(event["versionid"]).toBe(String(before + 1));
    expect(body["versionId"]).toBe(String(before + 1));
    expect(seenOnArrival).toEqual([String(before + 1)]);
    expect(event["subject"]).toBe("9991000038");
    expect(event["dataref"]).toBe(`${harness.pds.baseUrl}/Patient/9991000038`);
  });

  it("successive record changes alternate between a new family name and a new home address", async () => {
    const original = await storedPatient("9991000038");
    await harness.control("POST", "/publish", { type: "pds-record-change-2", nhsNumber: "9991000038" });
    const renamed = await storedPatient("9991000038");
    await harness.control("POST", "/publish", { type: "pds-record-change-2", nhsNumber: "9991000038" });
    const moved = await storedPatient("9991000038");
    expect(renamed.name).not.toEqual(original.name);
    expect(moved.address).not.toEqual(renamed.address);
  });

  it("uses the request's own change when given", async () => {
    await harness.control("POST", "/publish", {
      type: "pds-record-change-2",
      nhsNumber: "9991000046",
      change: { family: "PEMBERTON" },
    });
    expect((await readPds("9991000046")).patient.name?.find((n) => n.use === "usual")?.family).toBe(
      "PEMBERTON",
    );
  });

  it("death: PDS gets a deceasedDateTime", async () => {
    expect((await storedPatient("9991000038")).deceasedDateTime).toBeUndefined();
    await harness.control("POST", "/publish", { type: "pds-death-notification-2", nhsNumber: "9991000038" });
    expect((await storedPatient("9991000038")).deceasedDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(jsonOf(harness.receiver.requests[0])["type"]).toBe("pds-death-notification-2");
  });

  it("change of GP: PDS gets a different practice", async () => {
    const gpOf = async () => (await storedPatient("9991000046")).generalPractitioner?.[0]?.identifier?.value;
    const before = await gpOf();
    await harness.control("POST", "/publish", { type: "pds-change-of-gp-2", nhsNumber: "9991000046" });
    expect(await gpOf()).not.toBe(before);
    expect(await gpOf()).toMatch(/^Y91\d{3}$/);
  });

  it("number change with a survivor: the old number is superseded and the event names it", async () => {
    const before = await pdsVersion(harness, "9991000054");
    const { status } = await harness.control("POST", "/publish", {
      type: "nhs-number-change-2",
      nhsNumber: "9991000054",
      survivor: "9991000046",
      format: "fhir",
    });
    expect(status).toBe(200);
    const record = await harness.pdsControl("GET", "/patients/9991000054");
    expect(record.body).toMatchObject({ status: "superseded", survivor: "9991000046" });
    expect((await readPds("9991000054")).patient.id).toBe("9991000046");
    const bundle = harness.receiver.requests[0]?.body ?? "";
    expect(bundle).toContain('"identifier":{"value":"9991000054"}');
    expect(bundle).toContain(`"reference":"${harness.pds.baseUrl}/Patient/9991000054"`);
    expect(bundle).toContain(`"valueString":"W/\\"${before + 1}\\""`);
  });

  it("number change without a survivor: the number is invalidated", async () => {
    await harness.control("POST", "/publish", { type: "nhs-number-change-2", nhsNumber: "9991000054" });
    expect((await harness.pdsControl("GET", "/patients/9991000054")).body["status"]).toBe("invalidated");
    expect((await readPds("9991000054")).status).toBe(404);
  });
});

describe("refusals", () => {
  it("sends nothing when PDS refuses the change, and passes PDS's status on", async () => {
    const { status, body } = await harness.control("POST", "/publish", {
      type: "pds-record-change-2",
      nhsNumber: "9991000003",
    });
    expect(status).toBe(409);
    expect(String(body["error"])).toContain("superseded");
    expect(harness.receiver.requests).toHaveLength(0);
  });

  it("answers 404 for a patient PDS does not hold", async () => {
    const { status } = await harness.control("POST", "/publish", {
      type: "pds-death-notification-2",
      nhsNumber: "9993000000",
    });
    expect(status).toBe(404);
  });

  it.each([
    [{ type: "pds-record-change-3", nhsNumber: "9991000038" }],
    [{ type: "pds-record-change-2", nhsNumber: "123" }],
    [{ type: "pds-record-change-2", nhsNumber: "9991000038", survivor: "9991000046" }],
    [{ type: "nhs-number-change-2", nhsNumber: "9991000038", change: { family: "X" } }],
    [{ type: "pds-record-change-2", nhsNumber: "9991000038", attempts: 0 }],
    [{ type: "pds-record-change-2", nhsNumber: "9991000038", colour: "blue" }],
  ])("rejects %j with 400 before touching PDS", async (body) => {
    const before = await pdsVersion(harness, "9991000038");
    expect((await harness.control("POST", "/publish", body)).status).toBe(400);
    expect(await pdsVersion(harness, "9991000038")).toBe(before);
    expect(harness.receiver.requests).toHaveLength(0);
  });
});
