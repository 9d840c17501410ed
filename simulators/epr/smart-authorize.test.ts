/**
 * The EHR's authorization endpoint refuses what a real one refuses: an unknown client or redirect
 * URI on a page, and everything else back at the redirect URI with the state: no PKCE, plain PKCE,
 * a wrong aud, an unknown, expired, reused or foreign launch, a missing launch scope, no EPR
 * session. It grants only the registered scopes asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { closedPort } from "./test-support/client.ts";
import { SECRET_APP, testApps } from "./test-support/smart-apps.ts";
import { type AuthorizeRequest, SmartClient, type SmartConfiguration } from "./test-support/smart-client.ts";

let epr: EprSimulator;
let config: SmartConfiguration;

beforeAll(async () => {
  epr = await startEprSimulator({
    port: 0,
    ncrsConnectUrl: `http://localhost:${await closedPort()}`,
    clientSecret: "smart-authorize-secret-0123",
    smartApps: testApps("http://127.0.0.1:9/jwks.json"),
  });
  config = await new SmartClient(epr.origin, SECRET_APP).discover(epr.smart.iss);
});
afterAll(() => epr?.close());

/** Launches RVR100001 in a new browser and sends it to authorize with `change` applied. */
async function authorizeWith(
  change: Partial<AuthorizeRequest> = {},
  client = new SmartClient(epr.origin, SECRET_APP),
) {
  const { iss, launch } = await client.launch("RVR100001");
  const url = client.authorizeUrl(config, { iss, launch, state: "st-1", ...change });
  return { back: await client.authorize(url), launch, client, url };
}

const refusal = (back: URL) => ({
  at: `${back.origin}${back.pathname}`,
  error: back.searchParams.get("error"),
  description: back.searchParams.get("error_description"),
  state: back.searchParams.get("state"),
  code: back.searchParams.get("code"),
});

describe("authorize", () => {
  it("answers a good request with a code and the same state at the registered redirect URI", async () => {
    const { back } = await authorizeWith();
    expect(`${back.origin}${back.pathname}`).toBe(SECRET_APP.redirectUri);
    expect(back.searchParams.get("state")).toBe("st-1");
    expect(back.searchParams.get("code")).toMatch(/^[\w-]{40,}$/);
    expect(back.searchParams.get("error")).toBeNull();
    const logged = epr.smart.requests().at(-1);
    expect(logged).toMatchObject({ endpoint: "authorize", clientId: "secret-app", status: 302 });
    expect(logged?.params).toMatchObject({
      aud: epr.smart.iss,
      code_challenge_method: "S256",
      response_type: "code",
    });
    expect(logged?.scope).toBe("launch openid fhirUser patient/Patient.rs patient/Encounter.rs");
  });

  it("accepts the same request as a form POST", async () => {
    const client = new SmartClient(epr.origin, SECRET_APP);
    const { iss, launch } = await client.launch("RVR100001");
    const url = client.authorizeUrl(config, { iss, launch, state: "posted" });
    const answer = await client.fetch(`${url.origin}${url.pathname}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: url.searchParams.toString(),
    });
    expect(answer.status).toBe(302);
    expect(new URL(answer.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();
  });

  it("grants only the registered scopes that were asked for, in the order asked", async () => {
    await authorizeWith({
      scope: "patient/Observation.rs launch user/Patient.rs patient/Patient.read openid",
    });
    expect(epr.smart.requests().at(-1)?.scope).toBe("launch patient/Patient.read openid");
  });

  const REFUSED: [string, Partial<AuthorizeRequest>, string, RegExp][] = [
    [
      "no PKCE",
      { override: { code_challenge: undefined, code_challenge_method: undefined } },
      "invalid_request",
      /PKCE/,
    ],
    ["plain PKCE", { override: { code_challenge_method: "plain" } }, "invalid_request", /plain/],
    ["a malformed challenge", { codeChallenge: "short" }, "invalid_request", /code_challenge/],
    ["a wrong aud", { iss: `${"http://localhost:1"}/fhir` }, "invalid_request", /aud/],
    ["no aud", { override: { aud: undefined } }, "invalid_request", /aud/],
    ["no launch scope", { scope: "openid fhirUser patient/Patient.rs" }, "invalid_scope", /launch/],
    ["an unknown launch", { launch: "not-a-launch" }, "invalid_request", /not one this EHR issued/],
    ["response_type token", { override: { response_type: "token" } }, "unsupported_response_type", /code/],
  ];
  for (const [name, change, error, description] of REFUSED) {
    it(`refuses ${name} at the redirect URI, with the state`, async () => {
      const { back } = await authorizeWith(change);
      expect(refusal(back)).toMatchObject({ at: SECRET_APP.redirectUri, error, state: "st-1", code: null });
      expect(refusal(back).description).toMatch(description);
      expect(epr.smart.requests().at(-1)).toMatchObject({ endpoint: "authorize", status: 302, error });
    });
  }

  it("refuses aud that differs only by a trailing slash", async () => {
    const { back } = await authorizeWith({ override: { aud: `${epr.smart.iss}/` } });
    expect(refusal(back).error).toBe("invalid_request");
  });

  it("refuses a repeated parameter", async () => {
    const client = new SmartClient(epr.origin, SECRET_APP);
    const { iss, launch } = await client.launch("RVR100001");
    const url = client.authorizeUrl(config, { iss, launch, state: "st-1" });
    url.searchParams.append("scope", "patient/*.rs");
    expect(refusal(await client.authorize(url))).toMatchObject({
      error: "invalid_request",
      description: "scope is repeated",
    });
  });

  it("refuses a launch used once already, an expired one and one made for another app", async () => {
    const { client, launch } = await authorizeWith();
    const again = client.authorizeUrl(config, { iss: epr.smart.iss, launch, state: "st-2" });
    expect(refusal(await client.authorize(again))).toMatchObject({ error: "invalid_request", state: "st-2" });
    expect(refusal(await client.authorize(again)).description).toMatch(/already been used/);

    const fresh = await client.launch("RVR100002");
    expect(epr.smart.expireLaunch(fresh.launch)).toBe(true);
    const expired = client.authorizeUrl(config, { iss: epr.smart.iss, launch: fresh.launch });
    expect(refusal(await client.authorize(expired)).description).toMatch(/expired/);

    const jwtApp = new SmartClient(epr.origin, { ...SECRET_APP, clientId: "jwt-app" });
    const other = await jwtApp.launch("RVR100001");
    const foreign = client.authorizeUrl(config, { iss: epr.smart.iss, launch: other.launch });
    expect(refusal(await client.authorize(foreign)).description).toMatch(/another app/);
  });

  it("refuses a browser with no EPR session, and a launch made in another browser", async () => {
    const maker = new SmartClient(epr.origin, SECRET_APP);
    const { launch } = await maker.launch("RVR100001");
    const stranger = new SmartClient(epr.origin, SECRET_APP);
    const url = stranger.authorizeUrl(config, { iss: epr.smart.iss, launch });
    expect(refusal(await stranger.authorize(url)).error).toBe("access_denied");

    await stranger.launch("RVR100003"); // the stranger now has an EPR session of its own
    const other = await maker.launch("RVR100001");
    const theirs = stranger.authorizeUrl(config, { iss: epr.smart.iss, launch: other.launch });
    expect(refusal(await stranger.authorize(theirs)).description).toMatch(/another EPR session/);
  });

  it("tells the person on a page, never by redirect, of an unknown client or unregistered redirect URI", async () => {
    for (const override of [
      { client_id: "nobody" },
      { redirect_uri: `${SECRET_APP.redirectUri}/other` },
      { redirect_uri: undefined },
    ]) {
      const client = new SmartClient(epr.origin, SECRET_APP);
      const { iss, launch } = await client.launch("RVR100001");
      const answer = await client.fetch(client.authorizeUrl(config, { iss, launch, override }).href);
      expect(answer.status).toBe(400);
      expect(answer.headers.get("location")).toBeNull();
      expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await answer.text()).toContain("This app cannot be opened");
    }
  });
});
