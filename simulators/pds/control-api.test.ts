import type { Patient } from "fhir/r4.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PdsSimulator } from "./server.ts";
import { control, pdsHeaders, readPatient, spineCode, startTestSimulator } from "./test-support.ts";

let sim: PdsSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());
beforeEach(async () => {
  await control(sim, "POST", "/reset");
});

async function read(nhsNumber: string): Promise<{ status: number; etag: string | null; patient: Patient }> {
  const response = await readPatient(sim, nhsNumber);
  return {
    status: response.status,
    etag: response.headers.get("etag"),
    patient: (await response.json()) as Patient,
  };
}

describe("health and stats", () => {
  it("reports health", async () => {
    expect(await control(sim, "GET", "/health")).toEqual({ status: 200, body: { status: "ok" } });
  });

  it("counts Patient requests per NHS number, and resets", async () => {
    await readPatient(sim, "9000000009");
    await readPatient(sim, "9000000009");
    await readPatient(sim, "9991000100");
    await control(sim, "GET", "/health");
    const { body } = await control(sim, "GET", "/stats");
    expect(body).toMatchObject({
      requests: 3,
      byNhsNumber: { "9000000009": 2, "9991000100": 1 },
      rateLimited: 0,
    });
    expect((body as { peakRatePerSecond: number }).peakRatePerSecond).toBeGreaterThanOrEqual(1);
    const reset = await control(sim, "POST", "/stats/reset");
    expect(reset.body).toEqual({ requests: 0, byNhsNumber: {}, peakRatePerSecond: 0, rateLimited: 0 });
  });
});

describe("request log", () => {
  it("records ids and organisation, and whether Authorization was sent without its value", async () => {
    const headers = pdsHeaders(undefined, {
      "X-Correlation-ID": "corr-1",
      "NHSD-End-User-Organisation-ODS": "Y90002",
      Authorization: "Bearer secret123",
    });
    await readPatient(sim, "9000000009", headers);
    const { body } = await control(sim, "GET", "/requests?limit=5");
    const { requests } = body as { requests: Record<string, unknown>[] };
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: "GET",
      path: "/personal-demographics/FHIR/R4/Patient/9000000009",
      status: 200,
      headers: {
        "x-request-id": headers["X-Request-ID"],
        "x-correlation-id": "corr-1",
        "nhsd-end-user-organisation-ods": "Y90002",
      },
      authorization: true,
      tokenUser: null,
    });
    expect(JSON.stringify(body)).not.toContain("secret123");
  });

  it("returns only the last N, oldest first", async () => {
    for (const id of ["9000000009", "9000000025", "9000000033"]) await readPatient(sim, id);
    const { body } = await control(sim, "GET", "/requests?limit=2");
    const paths = (body as { requests: { path: string }[] }).requests.map((r) => r.path.slice(-10));
    expect(paths).toEqual(["9000000025", "9000000033"]);
  });

  it("rejects a limit that is not a positive number", async () => {
    expect((await control(sim, "GET", "/requests?limit=0")).status).toBe(400);
    expect((await control(sim, "GET", "/requests?limit=lots")).status).toBe(400);
  });
});

describe("patient changes", () => {
  it("PATCH applies demographics and bumps versionId and ETag", async () => {
    const before = await read("9991000038");
    const { status } = await control(sim, "PATCH", "/patients/9991000038", {
      family: "Iqbal-Khan",
      given: ["Mo"],
      birthDate: "1972-12-01",
      gender: "other",
      gp: "Y90003",
    });
    expect(status).toBe(200);
    const after = await read("9991000038");
    expect(Number(after.patient.meta?.versionId)).toBe(Number(before.patient.meta?.versionId) + 1);
    expect(after.etag).toBe(`W/"${after.patient.meta?.versionId}"`);
    expect(after.patient.name?.[0]).toMatchObject({ family: "Iqbal-Khan", given: ["Mo"] });
    expect(after.patient).toMatchObject({ birthDate: "1972-12-01", gender: "other" });
    expect(after.patient.generalPractitioner?.[0]?.identifier?.value).toBe("Y90003");
  });

  it("records a death with a formal notification status", async () => {
    await control(sim, "PATCH", "/patients/9991000046", { deceasedDateTime: "2026-01-02T03:04:05+00:00" });
    const { patient } = await read("9991000046");
    expect(patient.deceasedDateTime).toBe("2026-01-02T03:04:05+00:00");
    const status = patient.extension?.find((e) => e.url.endsWith("DeathNotificationStatus"));
    expect(status?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe("2");
  });

  it("restricting a record hides its location data; lifting it brings the data back", async () => {
    await control(sim, "PATCH", "/patients/9991000100", { security: "R" });
    const restricted = await read("9991000100");
    expect(restricted.patient.meta?.security?.[0]?.code).toBe("R");
    expect(restricted.patient.address).toBeUndefined();
    expect(restricted.patient.generalPractitioner).toBeUndefined();
    await control(sim, "PATCH", "/patients/9991000100", { security: "U" });
    const lifted = await read("9991000100");
    expect(lifted.patient.address?.[0]?.postalCode).toBe("LS6 2AB");
    expect(Number(lifted.patient.meta?.versionId)).toBe(Number(restricted.patient.meta?.versionId) + 1);
  });

  it("rejects unknown fields and bad values with 400, unknown patients with 404", async () => {
    expect((await control(sim, "PATCH", "/patients/9991000038", { colour: "blue" })).status).toBe(400);
    expect((await control(sim, "PATCH", "/patients/9991000038", { gender: "f" })).status).toBe(400);
    expect((await control(sim, "PATCH", "/patients/9991000038", { security: "X" })).status).toBe(400);
    expect((await control(sim, "PATCH", "/patients/9993000000", { family: "X" })).status).toBe(404);
  });

  it("supersede makes the old number read as the survivor", async () => {
    const result = await control(sim, "POST", "/patients/9991000046/supersede", { survivor: "9991000038" });
    expect(result.status).toBe(200);
    const { status, patient } = await read("9991000046");
    expect(status).toBe(200);
    expect(patient.id).toBe("9991000038");
  });

  it("refuses to supersede into a record that is not active", async () => {
    const result = await control(sim, "POST", "/patients/9991000046/supersede", { survivor: "9991000011" });
    expect(result.status).toBe(409);
  });

  it("invalidate makes reads answer 404 INVALIDATED_RESOURCE, also through a superseded number", async () => {
    expect((await control(sim, "POST", "/patients/9991000100/invalidate")).status).toBe(200);
    for (const id of ["9991000100", "9991000003"]) {
      const response = await readPatient(sim, id);
      expect(response.status).toBe(404);
      expect(await spineCode(response)).toBe("INVALIDATED_RESOURCE");
    }
    expect((await control(sim, "POST", "/patients/9991000100/invalidate")).status).toBe(409);
  });

  it("shows a record's state", async () => {
    const { body } = await control(sim, "GET", "/patients/9991000003");
    expect(body).toMatchObject({ nhsNumber: "9991000003", status: "superseded", survivor: "9991000100" });
  });

  it("reset restores the initial data and clears the global scenario", async () => {
    const initial = await read("9991000038");
    await control(sim, "PATCH", "/patients/9991000038", { family: "Changed" });
    await control(sim, "POST", "/patients/9991000054/invalidate");
    await control(sim, "PUT", "/scenario", { scenario: "server-error" });
    expect((await control(sim, "POST", "/reset")).status).toBe(200);
    expect(await read("9991000038")).toEqual(initial);
    expect((await readPatient(sim, "9991000054")).status).toBe(200);
    expect((await control(sim, "GET", "/scenarios")).body).toMatchObject({ active: null });
  });
});
