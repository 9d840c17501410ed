/**
 * Each SMART scenario makes its step fail as described, whether set for the whole EHR (control
 * API) or for one launch (`&scenario=` on the launch link), and reset brings back `normal`.
 */
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { closedPort } from "./test-support/client.ts";
import { SECRET_APP, testApps } from "./test-support/smart-apps.ts";
import { pkcePair, runSmartLaunch, SmartClient } from "./test-support/smart-client.ts";

let epr: EprSimulator;

beforeAll(async () => {
  epr = await startEprSimulator({
    port: 0,
    ncrsConnectUrl: `http://localhost:${await closedPort()}`,
    clientSecret: "smart-scenario-secret-012345",
    smartApps: testApps("http://127.0.0.1:9/jwks.json"),
  });
});
afterAll(() => epr?.close());
afterEach(() => fetch(`${epr.origin}/_sim/api/reset`, { method: "POST" }));

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${epr.origin}/_sim/api/${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });

async function setScenario(scenario: string) {
  expect((await control("PUT", "smart/scenario", { scenario })).status).toBe(200);
}

/** Launch and authorize; the redirect back, with the PKCE verifier and state used. */
async function authorizeIn(scenario?: string) {
  const client = new SmartClient(epr.origin, SECRET_APP);
  const { iss, launch } = await client.launch("RVR100001", scenario ? { scenario } : {});
  const config = await client.discover(iss);
  const { verifier, challenge } = pkcePair();
  const back = await client.authorize(
    client.authorizeUrl(config, { iss, launch, state: "s-1", codeChallenge: challenge }),
  );
  return { client, config, back, verifier };
}

const read = (path: string, token: string) =>
  fetch(`${epr.smart.iss}/${path}`, { headers: { authorization: `Bearer ${token}` } });

describe("the control API", () => {
  it("sets a scenario, refuses an unknown one, lists the requests and resets to normal", async () => {
    expect((await control("PUT", "smart/scenario", { scenario: "nope" })).status).toBe(400);
    await setScenario("token_error");
    expect(await (await control("GET", "smart/scenario")).json()).toMatchObject({ scenario: "token_error" });
    await fetch(`${epr.smart.iss}/.well-known/smart-configuration`);
    const requests = (await (await control("GET", "smart/requests")).json()) as unknown[];
    expect(requests.at(-1)).toMatchObject({ endpoint: "smart-configuration", scenario: "token_error" });
    await control("POST", "reset");
    expect(await (await control("GET", "smart/scenario")).json()).toMatchObject({ scenario: "normal" });
    expect(await (await control("GET", "smart/requests")).json()).toEqual([]);
  });

  it("lists the apps without their secrets", async () => {
    const apps = (await (await control("GET", "smart/apps")).json()) as { iss: string; apps: unknown[] };
    expect(apps.iss).toBe(epr.smart.iss);
    expect(JSON.stringify(apps)).not.toContain(SECRET_APP.secret);
    expect(apps.apps).toHaveLength(2);
  });

  it("expires a live launch, and says so for one that is not", async () => {
    const { launch } = await new SmartClient(epr.origin, SECRET_APP).launch("RVR100001");
    expect((await control("POST", "smart/launches/expire", { launch })).status).toBe(200);
    expect((await control("POST", "smart/launches/expire", { launch: "nope" })).status).toBe(404);
  });
});

describe("scenarios", () => {
  it("normal and patient_only_in_token: the patient is in the token response, not the launch URL", async () => {
    for (const scenario of ["normal", "patient_only_in_token"]) {
      const client = new SmartClient(epr.origin, SECRET_APP);
      const { location } = await client.launch("RVR100001", { scenario });
      expect([...location.searchParams.keys()].sort()).toEqual(["iss", "launch"]);
      const { token } = await runSmartLaunch(epr, SECRET_APP, { mrn: "RVR100001", scenario });
      expect(token.patient).toBe("RVR100001");
    }
  });

  for (const error of ["access_denied", "invalid_scope"]) {
    it(`${error}: authorize sends the browser back with that error and the state`, async () => {
      const { back } = await authorizeIn(error);
      expect(back.searchParams.get("error")).toBe(error);
      expect(back.searchParams.get("state")).toBe("s-1");
      expect(back.searchParams.get("code")).toBeNull();
    });
  }

  it("bad_state: a code that works, with another state", async () => {
    const { back, client, config, verifier } = await authorizeIn("bad_state");
    expect(back.searchParams.get("state")).not.toBe("s-1");
    const code = back.searchParams.get("code") ?? "";
    expect((await client.token(config, { code, verifier })).status).toBe(200);
  });

  it("token_error: 400 invalid_grant, and the code is spent", async () => {
    await setScenario("token_error");
    const { back, client, config, verifier } = await authorizeIn();
    const code = back.searchParams.get("code") ?? "";
    expect(await client.token(config, { code, verifier })).toMatchObject({
      status: 400,
      body: { error: "invalid_grant" },
    });
    await setScenario("normal");
    expect((await client.token(config, { code, verifier })).status).toBe(400);
  });

  it("no_patient: no patient in the token response, yet the token reads the launch's patient", async () => {
    const { token } = await runSmartLaunch(epr, SECRET_APP, { mrn: "RVR100002", scenario: "no_patient" });
    expect(token.patient).toBeUndefined();
    expect(token.encounter).toBe("enc-RVR100002");
    expect((await read("Patient/RVR100002", token.access_token)).status).toBe(200);
  });

  it("missing_scope: the grant has no Patient read, and reading Patient is refused", async () => {
    const { token } = await runSmartLaunch(epr, SECRET_APP, { mrn: "RVR100001", scenario: "missing_scope" });
    expect(token.scope).toBe("launch openid fhirUser patient/Encounter.rs");
    expect((await read("Patient/RVR100001", token.access_token)).status).toBe(403);
  });

  it("scopes_reordered_v1: the same grant in v1 and another order, still usable", async () => {
    const { token } = await runSmartLaunch(epr, SECRET_APP, {
      mrn: "RVR100001",
      scenario: "scopes_reordered_v1",
    });
    expect(token.scope).toBe("patient/Encounter.read patient/Patient.read fhirUser openid launch");
    expect((await read("Patient/RVR100001", token.access_token)).status).toBe(200);
    expect((await read("Encounter/enc-RVR100001", token.access_token)).status).toBe(200);
  });

  it("discovery_down and discovery_invalid: 503, then 200 without token_endpoint", async () => {
    const url = `${epr.smart.iss}/.well-known/smart-configuration`;
    await setScenario("discovery_down");
    expect((await fetch(url)).status).toBe(503);
    await setScenario("discovery_invalid");
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body["token_endpoint"]).toBeUndefined();
    expect(body["authorization_endpoint"]).toBe(epr.smart.urls.authorize);
  });

  it("bad_id_token: signed under the published kid by a key that is not in the JWKS", async () => {
    const { token } = await runSmartLaunch(epr, SECRET_APP, { mrn: "RVR100001", scenario: "bad_id_token" });
    const header = JSON.parse(
      Buffer.from(String(token.id_token).split(".")[0] ?? "", "base64url").toString(),
    );
    const jwks = (await (await fetch(epr.smart.urls.jwks)).json()) as { keys: { kid: string }[] };
    expect(header.kid).toBe(jwks.keys[0]?.kid);
    await expect(
      jwtVerify(String(token.id_token), createRemoteJWKSet(new URL(epr.smart.urls.jwks))),
    ).rejects.toThrow(/signature/);
  });

  it("fhir_down: reads answer 503 with an OperationOutcome", async () => {
    const { token } = await runSmartLaunch(epr, SECRET_APP, { mrn: "RVR100001", scenario: "fhir_down" });
    const answer = await read("Patient/RVR100001", token.access_token);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({
      resourceType: "OperationOutcome",
      issue: [{ code: "transient" }],
    });
  });

  it("a launch's own scenario wins over the EHR's", async () => {
    await setScenario("access_denied");
    const { back } = await authorizeIn("normal");
    expect(back.searchParams.get("code")).toBeTruthy();
    const { back: denied } = await authorizeIn();
    expect(denied.searchParams.get("error")).toBe("access_denied");
  });
});
