/**
 * The EHR's FHIR reads: a Bearer token is required, its scopes must allow the type (v2 or v1), and
 * it reads only its launch's patient and encounter and its own user's Practitioner.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { closedPort } from "./test-support/client.ts";
import { SECRET_APP, testApps } from "./test-support/smart-apps.ts";
import { runSmartLaunch } from "./test-support/smart-client.ts";

let epr: EprSimulator;

beforeAll(async () => {
  epr = await startEprSimulator({
    port: 0,
    ncrsConnectUrl: `http://localhost:${await closedPort()}`,
    clientSecret: "smart-fhir-secret-01234567",
    smartApps: [
      ...testApps("http://127.0.0.1:9/jwks.json"),
      {
        clientId: "v1-app",
        launchUrl: "http://app.invalid/v1/launch",
        redirectUris: ["http://app.invalid/v1/callback"],
        auth: { method: "client_secret_basic", secret: "v1-app-secret-0123456789" },
        scopes: ["launch", "patient/Patient.read", "patient/Encounter.read"],
      },
    ],
  });
});
afterAll(() => epr?.close());

async function read(path: string, token?: string) {
  const answer = await fetch(
    `${epr.smart.iss}/${path}`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  return {
    status: answer.status,
    type: answer.headers.get("content-type"),
    challenge: answer.headers.get("www-authenticate"),
    body: (await answer.json()) as Record<string, unknown> & { issue?: { code: string }[] },
  };
}

async function tokenFor(mrn: string, scope?: string, app = SECRET_APP) {
  return (await runSmartLaunch(epr, app, { mrn, ...(scope ? { scope } : {}) })).token;
}

describe("FHIR reads", () => {
  it("serves the launch's Patient, the same FHIR R4 Patient the EPR hands over, with the MRN as id", async () => {
    const token = await tokenFor("RVR100001");
    const { status, type, body } = await read(`Patient/${token.patient}`, token.access_token);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/fhir\+json/);
    expect(body).toEqual({
      resourceType: "Patient",
      id: "RVR100001",
      identifier: [
        { system: "https://fhir.nhs.uk/Id/nhs-number", value: "9991000054" },
        { system: "https://riverside-epr.example/Id/mrn", value: "RVR100001" },
      ],
      name: [{ family: "Hartley", given: ["Oscar", "James"] }],
      birthDate: "1984-03-14",
      gender: "male",
      address: [{ line: ["12 Elm Grove", "Headingley", "LEEDS"], postalCode: "LS6 2AB" }],
    });
  });

  it("gives a patient without an NHS number only the MRN identifier", async () => {
    const token = await tokenFor("RVR100004");
    const { body } = await read("Patient/RVR100004", token.access_token);
    expect(body["identifier"]).toEqual([
      { system: "https://riverside-epr.example/Id/mrn", value: "RVR100004" },
    ]);
  });

  it("serves the launch's Encounter and the user's Practitioner", async () => {
    const token = await tokenFor("RVR100002");
    const encounter = await read(`Encounter/${token.encounter}`, token.access_token);
    expect(encounter.body).toEqual({
      resourceType: "Encounter",
      id: "enc-RVR100002",
      status: "in-progress",
      class: {
        system: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        code: "AMB",
        display: "ambulatory",
      },
      subject: { reference: "Patient/RVR100002" },
    });
    const practitioner = await read("Practitioner/555000000001", token.access_token);
    expect(practitioner.status).toBe(200);
    expect(practitioner.body).toMatchObject({
      resourceType: "Practitioner",
      id: "555000000001",
      identifier: [{ system: "https://fhir.nhs.uk/Id/sds-user-id", value: "555000000001" }],
      name: [{ family: "Hart", given: ["Amelia", "Rose"] }],
    });
  });

  it("asks for a Bearer token with 401 and an OperationOutcome, also for a token it does not know", async () => {
    const none = await read("Patient/RVR100001");
    expect(none.status).toBe(401);
    expect(none.challenge).toMatch(/^Bearer /);
    expect(none.body).toMatchObject({
      resourceType: "OperationOutcome",
      issue: [{ severity: "error", code: "login" }],
    });
    const unknown = await read("Patient/RVR100001", "not-a-token");
    expect(unknown.status).toBe(401);
    expect(unknown.challenge).toContain('error="invalid_token"');
  });

  it("refuses another patient, another patient's encounter and another user's Practitioner with 403", async () => {
    const token = await tokenFor("RVR100001");
    for (const path of ["Patient/RVR100002", "Encounter/enc-RVR100002", "Practitioner/555000000002"]) {
      const answer = await read(path, token.access_token);
      expect(answer.status, path).toBe(403);
      expect(answer.body.issue?.[0]?.code).toBe("forbidden");
    }
  });

  it("answers 404 with an OperationOutcome for unknown ids and types", async () => {
    const token = await tokenFor("RVR100001");
    for (const path of [
      "Patient/RVR999999",
      "Encounter/enc-RVR999999",
      "Practitioner/999999999999",
      "Observation/1",
      "Patient/RVR100001/_history",
    ]) {
      const answer = await read(path, token.access_token);
      expect(answer.status, path).toBe(404);
      expect(answer.body["resourceType"]).toBe("OperationOutcome");
    }
  });

  it("refuses a type the scopes do not cover with 403 insufficient_scope", async () => {
    const token = await tokenFor("RVR100001", "launch patient/Encounter.rs");
    const answer = await read("Patient/RVR100001", token.access_token);
    expect(answer.status).toBe(403);
    expect(answer.challenge).toContain('error="insufficient_scope"');
    expect((await read(`Encounter/${token.encounter}`, token.access_token)).status).toBe(200);
    expect((await read("Practitioner/555000000001", token.access_token)).status).toBe(403);
  });

  it("accepts v1 scopes (patient/Patient.read) as v2 ones", async () => {
    const app = {
      clientId: "v1-app",
      secret: "v1-app-secret-0123456789",
      redirectUri: "http://app.invalid/v1/callback",
    };
    const token = await tokenFor("RVR100003", "launch patient/Patient.read patient/Encounter.read", app);
    expect(token.scope).toBe("launch patient/Patient.read patient/Encounter.read");
    expect((await read("Patient/RVR100003", token.access_token)).status).toBe(200);
    expect((await read("Encounter/enc-RVR100003", token.access_token)).status).toBe(200);
  });

  it("logs each read with its status, without the token", async () => {
    const token = await tokenFor("RVR100001");
    await read("Patient/RVR100002", token.access_token);
    const logged = epr.smart.requests().at(-1);
    expect(logged).toMatchObject({
      endpoint: "fhir",
      path: "/fhir/Patient/RVR100002",
      status: 403,
      error: "forbidden",
      clientId: "secret-app",
    });
    expect(JSON.stringify(epr.smart.requests())).not.toContain(token.access_token);
  });
});
