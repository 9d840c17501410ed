import type { Patient } from "fhir/r4.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PdsSimulator } from "./server.ts";
import { pdsHeaders, readPatient, spineCode, startTestSimulator } from "./test-support.ts";

let sim: PdsSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

describe("GET /Patient/{id} request validation", () => {
  it("rejects a missing X-Request-ID with 400 MISSING_VALUE", async () => {
    const response = await readPatient(sim, "9000000009", {});
    expect(response.status).toBe(400);
    expect(await spineCode(response)).toBe("MISSING_VALUE");
  });

  it("rejects a non-UUID X-Request-ID with 400 INVALID_VALUE and says which value", async () => {
    const response = await readPatient(sim, "9000000009", { "X-Request-ID": "not-a-uuid" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      issue: { diagnostics?: string; details: { coding: { code: string }[] } }[];
    };
    expect(body.issue[0]?.details.coding[0]?.code).toBe("INVALID_VALUE");
    expect(body.issue[0]?.diagnostics).toContain("not-a-uuid");
  });

  it.each([
    ["a non-Bearer scheme", "Basic dXNlcjpwYXNz"],
    ["Bearer without a token", "Bearer"],
    ["a token with punctuation", "Bearer abc.def"],
    ["two underscores", "Bearer abc_def_ghi"],
  ])("rejects %s with 401 ACCESS_DENIED", async (_label, authorization) => {
    const response = await readPatient(
      sim,
      "9000000009",
      pdsHeaders(undefined, { Authorization: authorization }),
    );
    expect(response.status).toBe(401);
    expect(await spineCode(response)).toBe("ACCESS_DENIED");
  });

  it.each(["Bearer abc123", "Bearer Token42_part7"])("accepts %s", async (authorization) => {
    const response = await readPatient(
      sim,
      "9000000009",
      pdsHeaders(undefined, { Authorization: authorization }),
    );
    expect(response.status).toBe(200);
  });

  it.each([
    ["a wrong check digit", "9000000000"],
    ["nine digits", "900000000"],
    ["eleven digits", "90000000099"],
    ["letters", "900000000X"],
  ])("rejects %s with 400 INVALID_RESOURCE_ID", async (_label, id) => {
    const response = await readPatient(sim, id);
    expect(response.status).toBe(400);
    expect(await spineCode(response)).toBe("INVALID_RESOURCE_ID");
  });

  it("answers 404 RESOURCE_NOT_FOUND for a valid number nobody holds", async () => {
    const response = await readPatient(sim, "9993000000");
    expect(response.status).toBe(404);
    expect(await spineCode(response)).toBe("RESOURCE_NOT_FOUND");
  });

  it("answers 404 INVALIDATED_RESOURCE for an invalidated number", async () => {
    const response = await readPatient(sim, "9991000011");
    expect(response.status).toBe(404);
    expect(await spineCode(response)).toBe("INVALIDATED_RESOURCE");
  });
});

describe("Authorization when required", () => {
  let strict: PdsSimulator;
  beforeAll(async () => {
    strict = await startTestSimulator({ requireAuthorization: true });
  });
  afterAll(() => strict.close());

  it("rejects a request without Authorization with 401 ACCESS_DENIED", async () => {
    const response = await readPatient(strict, "9000000009");
    expect(response.status).toBe(401);
    expect(await spineCode(response)).toBe("ACCESS_DENIED");
  });

  it("accepts a well-formed bearer token", async () => {
    const response = await readPatient(
      strict,
      "9000000009",
      pdsHeaders(undefined, { Authorization: "Bearer abc123" }),
    );
    expect(response.status).toBe(200);
  });
});

describe("successful reads", () => {
  it("returns the record as application/fhir+json, mirroring the request and correlation ids", async () => {
    const headers = pdsHeaders(undefined, { "X-Correlation-ID": "trace-17" });
    const response = await readPatient(sim, "9000000009", headers);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/fhir+json");
    expect(response.headers.get("x-request-id")).toBe(headers["X-Request-ID"]);
    expect(response.headers.get("x-correlation-id")).toBe("trace-17");
    const patient = (await response.json()) as Patient;
    expect(patient.id).toBe("9000000009");
    expect(patient.name?.[0]?.family).toBe("Smith");
  });

  it("mirrors the ids on errors too", async () => {
    const headers = pdsHeaders(undefined, { "X-Correlation-ID": "trace-18" });
    const response = await readPatient(sim, "9000000000", headers);
    expect(response.headers.get("x-request-id")).toBe(headers["X-Request-ID"]);
    expect(response.headers.get("x-correlation-id")).toBe("trace-18");
  });

  it.each(["9000000009", "9693632109", "9991000100", "9991000062"])(
    'sets ETag W/"versionId" for %s',
    async (id) => {
      const response = await readPatient(sim, id);
      const patient = (await response.json()) as Patient;
      expect(patient.meta?.versionId).toMatch(/^\d+$/);
      expect(response.headers.get("etag")).toBe(`W/"${patient.meta?.versionId}"`);
    },
  );

  it("answers a superseded number with the surviving record", async () => {
    const response = await readPatient(sim, "9991000003");
    expect(response.status).toBe(200);
    const patient = (await response.json()) as Patient;
    expect(patient.id).toBe("9991000100");
    expect(patient.identifier?.[0]?.value).toBe("9991000100");
    expect(response.headers.get("etag")).toBe(`W/"${patient.meta?.versionId}"`);
  });

  it.each(["9000000025", "9991000070"])(
    "withholds address, telecom and GP of restricted record %s",
    async (id) => {
      const patient = (await (await readPatient(sim, id)).json()) as Patient;
      expect(patient.meta?.security?.[0]?.code).toBe("R");
      expect(patient.name?.[0]?.family).toBeTruthy();
      expect(patient.address).toBeUndefined();
      expect(patient.telecom).toBeUndefined();
      expect(patient.generalPractitioner).toBeUndefined();
    },
  );

  it("returns the deceased patient's death date and formal notification status", async () => {
    const patient = (await (await readPatient(sim, "9991000062")).json()) as Patient;
    expect(patient.deceasedDateTime).toBe("2024-02-11T09:30:00+00:00");
    const status = patient.extension?.find((e) => e.url.endsWith("Extension-UKCore-DeathNotificationStatus"));
    expect(status?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe("2");
  });

  it("fills the sandbox's placeholders instead of leaking them", async () => {
    const response = await readPatient(
      sim,
      "9000000009",
      pdsHeaders(undefined, { Authorization: "Basic x" }),
    );
    const text = await response.text();
    expect(text).not.toContain("#(");
    expect(text).toContain("Access Denied - Unauthorised");
  });
});
