/**
 * The EHR's published side: its SMART configuration, OpenID configuration, JWKS and
 * CapabilityStatement, the app links on the patient page, and the launch link that sends the
 * browser to the app with iss and launch. NCRS Connect is not running (nothing is asked of it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { closedPort, EprClient } from "./test-support/client.ts";
import { APP_ORIGIN, SECRET_APP, testApps } from "./test-support/smart-apps.ts";

let epr: EprSimulator;
let defaultEpr: EprSimulator;
let ncrs: string;

beforeAll(async () => {
  ncrs = `http://localhost:${await closedPort()}`;
  [epr, defaultEpr] = await Promise.all([
    startEprSimulator({
      port: 0,
      ncrsConnectUrl: ncrs,
      clientSecret: "smart-discovery-secret-0123",
      smartApps: testApps("http://127.0.0.1:9/jwks.json"),
    }),
    startEprSimulator({ port: 0, ncrsConnectUrl: ncrs, clientSecret: "smart-discovery-secret-0123" }),
  ]);
});
afterAll(async () => {
  await epr?.close();
  await defaultEpr?.close();
});

const json = async (url: string) => {
  const answer = await fetch(url);
  return { status: answer.status, type: answer.headers.get("content-type"), body: await answer.json() };
};

describe("discovery", () => {
  it("publishes the SMART configuration at iss with the fields SMART 2.x requires", async () => {
    const { status, type, body } = await json(`${epr.smart.iss}/.well-known/smart-configuration`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(epr.smart.iss).toBe(`${epr.origin}/fhir`);
    expect(body).toMatchObject({
      issuer: `${epr.origin}/smart/auth`,
      jwks_uri: `${epr.origin}/smart/auth/jwks.json`,
      authorization_endpoint: `${epr.origin}/smart/auth/authorize`,
      token_endpoint: `${epr.origin}/smart/auth/token`,
      grant_types_supported: ["authorization_code"],
      token_endpoint_auth_methods_supported: ["private_key_jwt", "client_secret_basic"],
      token_endpoint_auth_signing_alg_values_supported: ["RS384", "ES384"],
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
    });
    expect([...body.capabilities].sort()).toEqual(
      [
        "launch-ehr",
        "client-confidential-asymmetric",
        "client-confidential-symmetric",
        "context-ehr-patient",
        "context-ehr-encounter",
        "sso-openid-connect",
        "permission-v1",
        "permission-v2",
        "permission-patient",
      ].sort(),
    );
    expect(body.scopes_supported).toEqual(
      expect.arrayContaining(["launch", "openid", "fhirUser", "patient/Patient.rs"]),
    );
    expect(body.code_challenge_methods_supported).not.toContain("plain");
  });

  it("publishes the issuer's OpenID configuration and an RS256 JWKS without private parts", async () => {
    const config = await json(`${epr.smart.urls.issuer}/.well-known/openid-configuration`);
    expect(config.body).toMatchObject({ issuer: epr.smart.urls.issuer, jwks_uri: epr.smart.urls.jwks });
    const jwks = await json(epr.smart.urls.jwks);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it("answers metadata with an R4 CapabilityStatement reading Patient, Encounter and Practitioner", async () => {
    const { status, type, body } = await json(`${epr.smart.iss}/metadata`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/fhir\+json/);
    expect(body.resourceType).toBe("CapabilityStatement");
    expect(body.fhirVersion).toBe("4.0.1");
    expect(body.rest[0].resource.map((r: { type: string }) => r.type)).toEqual([
      "Patient",
      "Encounter",
      "Practitioner",
    ]);
  });

  it("logs discovery requests", async () => {
    await fetch(`${epr.smart.iss}/.well-known/smart-configuration`);
    expect(epr.smart.requests().at(-1)).toMatchObject({
      endpoint: "smart-configuration",
      status: 200,
      scenario: "normal",
    });
  });
});

describe("the app links", () => {
  it("registers NCRS Connect by default, with NCRS Connect's JWKS and callback", async () => {
    expect(defaultEpr.smart.apps).toEqual([
      {
        clientId: "ncrs-connect",
        launchUrl: `${ncrs}/smart/launch`,
        redirectUris: [`${ncrs}/smart/callback`],
        auth: { method: "private_key_jwt", jwksUri: `${ncrs}/.well-known/jwks.json` },
        scopes: [
          "launch",
          "openid",
          "fhirUser",
          "patient/Patient.rs",
          "patient/Patient.read",
          "patient/Encounter.rs",
          "patient/Encounter.read",
        ],
      },
    ]);
    const page = await new EprClient(defaultEpr.origin).page("/patients/RVR100001");
    expect(page.html).toContain(
      '<a class="epr-button" href="/patients/RVR100001/smart-launch?app=ncrs-connect" target="_blank" rel="noopener" data-testid="epr-smart-launch" data-client-id="ncrs-connect">Open NCRS Connect</a>',
    );
  });

  it("shows one link per registered app on every patient page", async () => {
    const page = await new EprClient(epr.origin).page("/patients/RVR100004");
    expect(page.html.match(/data-testid="epr-smart-launch"/g)).toHaveLength(2);
    expect(page.html).toContain('href="/patients/RVR100004/smart-launch?app=secret-app"');
    expect(page.html).toContain(">Open the secret app</a>");
    expect(page.html).toContain('href="/patients/RVR100004/smart-launch?app=jwt-app"');
  });

  it("sends the browser to the app's launch URL with iss and a fresh launch id each time", async () => {
    const client = new EprClient(epr.origin);
    const first = await client.request("/patients/RVR100001/smart-launch?app=jwt-app");
    const second = await client.request("/patients/RVR100001/smart-launch?app=jwt-app");
    expect(first.status).toBe(303);
    const target = new URL(first.headers.get("location") ?? "");
    expect(`${target.origin}${target.pathname}`).toBe(`${APP_ORIGIN}/jwt/launch`);
    expect(target.searchParams.get("from")).toBe("ehr");
    expect(target.searchParams.get("iss")).toBe(epr.smart.iss);
    expect(target.searchParams.get("launch")).toMatch(/^[\w-]{20,}$/);
    expect(new URL(second.headers.get("location") ?? "").searchParams.get("launch")).not.toBe(
      target.searchParams.get("launch"),
    );
    expect(first.headers.get("location")).not.toContain("RVR100001");
    expect(epr.smart.requests().at(-1)).toMatchObject({
      endpoint: "launch",
      clientId: "jwt-app",
      status: 303,
    });
  });

  it("refuses a launch link for an unknown patient, app or scenario with a page", async () => {
    const client = new EprClient(epr.origin);
    expect((await client.page("/patients/RVR999999/smart-launch?app=jwt-app")).status).toBe(404);
    expect((await client.page("/patients/RVR100001/smart-launch?app=nobody")).status).toBe(404);
    expect(
      (await client.page(`/patients/RVR100001/smart-launch?app=${SECRET_APP.clientId}&scenario=x`)).status,
    ).toBe(400);
  });

  it("refuses registrations an administrator could not save", async () => {
    const base = { port: 0, ncrsConnectUrl: ncrs, clientSecret: "smart-discovery-secret-0123" };
    const app = testApps("http://127.0.0.1:9/jwks.json")[0];
    if (!app) throw new Error("no app");
    await expect(startEprSimulator({ ...base, smartApps: [app, app] })).rejects.toThrow(/twice/);
    await expect(
      startEprSimulator({
        ...base,
        smartApps: [{ ...app, auth: { method: "client_secret_basic", secret: "short" } }],
      }),
    ).rejects.toThrow(/16 characters/);
    await expect(
      startEprSimulator({ ...base, smartApps: [{ ...app, redirectUris: ["x"] }] }),
    ).rejects.toThrow(/URL/);
  });
});
