import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "../cis2/server.ts";
import { Browser } from "../cis2/test-support/browser.ts";
import { type RelyingParty, startRelyingParty } from "../cis2/test-support/relying-party.ts";
import { authParams, signInAndExchange } from "../cis2/test-support/sign-in.ts";
import { type PdsSimulator, startPdsSimulator } from "../pds/server.ts";
import {
  assertion,
  clientCredentials,
  JWT_BEARER,
  postToken,
  startTestApplication,
  type TestApplication,
} from "./test-support.ts";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
let app: TestApplication;
let cis2: Cis2Simulator;
let rp: RelyingParty;
let sim: PdsSimulator;
let tokenUrl: string;

beforeAll(async () => {
  [app, cis2] = await Promise.all([startTestApplication(), startCis2Simulator({ port: 0 })]);
  rp = await startRelyingParty(cis2, { auth: "client_secret_post" });
  sim = await startPdsSimulator({
    port: 0,
    rateLimitPerSecond: 0,
    platform: { applications: [{ apiKey: app.apiKey, jwksUrl: app.jwksUrl }], cis2: { issuer: cis2.issuer } },
  });
  tokenUrl = sim.tokenUrl ?? "";
});
afterAll(async () => {
  await sim.close();
  await rp.close();
  await cis2.close();
  await app.close();
});
beforeEach(async () => {
  await control("POST", "/reset");
});

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sim.origin}/_sim/apim${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return response.json();
}

async function accessToken(): Promise<string> {
  const { body } = await postToken(tokenUrl, clientCredentials(await assertion(app, tokenUrl)));
  return body["access_token"] ?? "";
}

function readPatient(token?: string): Promise<Response> {
  return fetch(`${sim.baseUrl}/Patient/9000000009`, {
    headers: { "X-Request-ID": randomUUID(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

async function diagnostics(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { issue: { diagnostics?: string }[] }).issue[0]?.diagnostics;
}

describe("PDS behind the API platform: bearer tokens", () => {
  it("reads a patient with a token the platform issued, and refuses none, a made-up one and an expired one (401)", async () => {
    const token = await accessToken();
    expect((await readPatient(token)).status).toBe(200);
    const missing = await readPatient();
    expect([missing.status, await diagnostics(missing)]).toEqual([401, "Missing access token"]);
    const madeUp = await readPatient("Abc123madeUp");
    expect([madeUp.status, await diagnostics(madeUp)]).toEqual([401, "Invalid Access Token"]);
    await control("POST", "/expire-tokens");
    const expired = await readPatient(token);
    expect([expired.status, await diagnostics(expired)]).toEqual([401, "Access Token expired"]);
    expect((await readPatient(await accessToken())).status).toBe(200);
  });

  it("scenario refuse-access-tokens: even a fresh token is refused", async () => {
    await control("PUT", "/scenario", { scenario: "refuse-access-tokens" });
    expect((await readPatient(await accessToken())).status).toBe(401);
  });

  it("scenario jwks-unreachable: the assertion is refused with 403 public_key error", async () => {
    await control("PUT", "/scenario", { scenario: "jwks-unreachable" });
    const result = await postToken(tokenUrl, clientCredentials(await assertion(app, tokenUrl)));
    expect(result).toEqual({
      status: 403,
      body: expect.objectContaining({
        error: "public_key error",
        error_description: "The JWKS endpoint, for your client_assertion can't be reached",
      }),
    });
  });

  it("logs each token request's grant and outcome, never a token", async () => {
    await accessToken();
    const { requests } = (await control("GET", "/requests")) as { requests: Record<string, unknown>[] };
    expect(requests).toEqual([
      expect.objectContaining({ grant: "client_credentials", status: 200, error: null }),
    ]);
    expect(JSON.stringify(requests)).not.toMatch(/eyJ/);
  });
});

describe("token exchange (a CIS2 ID token for a user-restricted token)", () => {
  const AAL3 = { user: "555000000001", authenticator: "smartcard-identity-agent" };

  async function idToken(): Promise<string> {
    const signedIn = await signInAndExchange(cis2, new Browser(rp.redirectUri), rp, authParams(), AAL3);
    return String(signedIn.tokens.body["id_token"]);
  }

  async function exchange(subjectToken: string) {
    return postToken(tokenUrl, {
      grant_type: TOKEN_EXCHANGE,
      subject_token_type: ID_TOKEN,
      subject_token: subjectToken,
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(app, tokenUrl),
    });
  }

  it("exchanges a CIS2 ID token signed by CIS2 for an access token PDS accepts", async () => {
    const { status, body } = await exchange(await idToken());
    expect([status, body["error_description"]]).toEqual([200, undefined]);
    expect(body).toMatchObject({
      token_type: "Bearer",
      expires_in: "599",
      issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
    });
    expect((await readPatient(body["access_token"])).status).toBe(200);
  });

  it("refuses a subject token that is not a JWT, or one not signed by CIS2", async () => {
    expect((await exchange("opaque-access-token")).body["error_description"]).toBe(
      "Malformed JWT in subject_token",
    );
    const real = await idToken();
    const [header, payload] = real.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString("base64url")}.${real.split(".")[2]}`;
    expect(await exchange(tampered)).toMatchObject({
      status: 401,
      body: { error_description: "Signature verification failed for subject_token JWT" },
    });
  });

  it("refuses a wrong subject_token_type (400)", async () => {
    const result = await postToken(tokenUrl, {
      grant_type: TOKEN_EXCHANGE,
      subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
      subject_token: "x",
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(app, tokenUrl),
    });
    expect(result.body["error_description"]).toBe(
      "missing or invalid subject_token_type - must be 'urn:ietf:params:oauth:token-type:id_token'",
    );
  });
});
