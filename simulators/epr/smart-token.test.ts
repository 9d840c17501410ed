/**
 * The token endpoint authenticates each app exactly as registered (client_secret_basic, or a
 * private_key_jwt assertion checked against the app's JWKS served here), trades a code once with
 * its redirect URI and PKCE verifier, and answers with the launch context and a verifiable
 * id_token.
 */
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { closedPort } from "./test-support/client.ts";
import {
  type AppKey,
  ASSERTION_TYPE,
  appKey,
  clientAssertion,
  JWT_APP_ID,
  JWT_APP_REDIRECT,
  SECRET_APP,
  startJwksServer,
  testApps,
} from "./test-support/smart-apps.ts";
import {
  pkcePair,
  SmartClient,
  type SmartClientApp,
  type SmartConfiguration,
} from "./test-support/smart-client.ts";

const JWT_APP: SmartClientApp = { clientId: JWT_APP_ID, secret: "", redirectUri: JWT_APP_REDIRECT };

let epr: EprSimulator;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
let config: SmartConfiguration;
let rs384: AppKey;
let es384: AppKey;
let rs256: AppKey;
let unpublished: AppKey;

beforeAll(async () => {
  [rs384, es384, rs256, unpublished] = await Promise.all([
    appKey("RS384"),
    appKey("ES384"),
    appKey("RS256"),
    appKey("RS384"),
  ]);
  jwks = await startJwksServer([rs384.publicJwk, es384.publicJwk, rs256.publicJwk]);
  epr = await startEprSimulator({
    port: 0,
    ncrsConnectUrl: `http://localhost:${await closedPort()}`,
    clientSecret: "smart-token-secret-0123456",
    smartApps: testApps(jwks.url),
  });
  config = await new SmartClient(epr.origin, SECRET_APP).discover(epr.smart.iss);
});
afterAll(async () => {
  await epr?.close();
  await jwks?.close();
});

async function codeFor(app: SmartClientApp, extra: { scope?: string; nonce?: string; mrn?: string } = {}) {
  const client = new SmartClient(epr.origin, app);
  const { iss, launch } = await client.launch(extra.mrn ?? "RVR100001");
  const { verifier, challenge } = pkcePair();
  const url = client.authorizeUrl(config, {
    iss,
    launch,
    codeChallenge: challenge,
    ...(extra.scope ? { scope: extra.scope } : {}),
    ...(extra.nonce ? { override: { nonce: extra.nonce } } : {}),
  });
  const code = (await client.authorize(url)).searchParams.get("code") ?? "";
  return { client, code, verifier };
}

const withAssertion = (assertion: string) => ({
  headers: {},
  form: { client_assertion_type: ASSERTION_TYPE, client_assertion: assertion },
});

async function jwtExchange(assertion: string | ((endpoint: string) => Promise<string>)) {
  const { client, code, verifier } = await codeFor(JWT_APP);
  const signed = typeof assertion === "string" ? assertion : await assertion(config.token_endpoint);
  return client.token(config, { code, verifier }, withAssertion(signed));
}

describe("client_secret_basic", () => {
  it("answers the token, the launch context and an id_token signed by the EHR's published key", async () => {
    const { client, code, verifier } = await codeFor(SECRET_APP, { nonce: "n-123" });
    const answer = await client.token(config, { code, verifier });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.body).toMatchObject({
      token_type: "Bearer",
      expires_in: 3600,
      scope: "launch openid fhirUser patient/Patient.rs patient/Encounter.rs",
      patient: "RVR100001",
      encounter: "enc-RVR100001",
      need_patient_banner: true,
    });
    expect(answer.body["access_token"]).toMatch(/^[\w-]{40,}$/);
    const keys = createRemoteJWKSet(new URL(epr.smart.urls.jwks));
    const { payload, protectedHeader } = await jwtVerify(String(answer.body["id_token"]), keys, {
      issuer: epr.smart.urls.issuer,
      audience: SECRET_APP.clientId,
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      sub: "555000000001",
      fhirUser: `${epr.smart.iss}/Practitioner/555000000001`,
      nonce: "n-123",
    });
    expect(Number(payload.exp) - Number(payload.iat)).toBeGreaterThan(0);
    const logged = epr.smart.requests().at(-1);
    expect(logged).toMatchObject({
      endpoint: "token",
      clientAuth: "client_secret_basic",
      status: 200,
      clientId: "secret-app",
    });
    expect(logged?.params).toMatchObject({ code: "[present]", code_verifier: "[present]" });
    expect(JSON.stringify(epr.smart.requests())).not.toContain(String(answer.body["access_token"]));
  });

  it("gives no id_token without openid, and no fhirUser claim without fhirUser", async () => {
    const plain = await codeFor(SECRET_APP, { scope: "launch patient/Patient.rs" });
    const answer = await plain.client.token(config, { code: plain.code, verifier: plain.verifier });
    expect(answer.body["id_token"]).toBeUndefined();
    expect(answer.body["scope"]).toBe("launch patient/Patient.rs");
    const oidc = await codeFor(SECRET_APP, { scope: "launch openid patient/Patient.rs" });
    const withId = await oidc.client.token(config, { code: oidc.code, verifier: oidc.verifier });
    const claims = JSON.parse(
      Buffer.from(String(withId.body["id_token"]).split(".")[1] ?? "", "base64url").toString(),
    );
    expect(claims.fhirUser).toBeUndefined();
  });

  it("refuses a wrong secret, an unknown client, no authentication and client_secret_post", async () => {
    const { client, code, verifier } = await codeFor(SECRET_APP);
    const basic = (id: string, secret: string) => ({
      headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}` },
    });
    const wrong = await client.token(
      config,
      { code, verifier },
      basic(SECRET_APP.clientId, "not-the-secret-000000"),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: "invalid_client", error_description: "wrong client secret" });
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect(
      (await client.token(config, { code, verifier }, basic("nobody", "x"))).body["error_description"],
    ).toBe("unknown client");
    expect((await client.token(config, { code, verifier }, { headers: {} })).status).toBe(401);
    const post = await client.token(
      config,
      { code, verifier },
      { headers: {}, form: { client_id: "secret-app", client_secret: SECRET_APP.secret } },
    );
    expect(post.body["error_description"]).toMatch(/client_secret_post is not supported/);
    // None of those used the code: it still trades.
    expect((await client.token(config, { code, verifier })).status).toBe(200);
  });

  it("refuses Basic for an app registered for private_key_jwt", async () => {
    const { client, code, verifier } = await codeFor(JWT_APP);
    const basic = {
      headers: { authorization: `Basic ${Buffer.from(`${JWT_APP_ID}:anything`).toString("base64")}` },
    };
    const answer = await client.token(config, { code, verifier }, basic);
    expect(answer).toMatchObject({
      status: 401,
      body: { error_description: "client is registered for private_key_jwt" },
    });
  });
});

describe("the code", () => {
  it("trades once; a second trade is refused and revokes the token it gave", async () => {
    const { client, code, verifier } = await codeFor(SECRET_APP);
    const first = await client.token(config, { code, verifier });
    const read = () =>
      fetch(`${epr.smart.iss}/Patient/RVR100001`, {
        headers: { authorization: `Bearer ${first.body["access_token"]}` },
      });
    expect((await read()).status).toBe(200);
    const second = await client.token(config, { code, verifier });
    expect(second).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(second.body["error_description"]).toMatch(/already been used/);
    expect((await read()).status).toBe(401);
  });

  it("is bound to the redirect URI, the PKCE verifier and the client it was issued to", async () => {
    const a = await codeFor(SECRET_APP);
    const redirect = await a.client.token(config, {
      code: a.code,
      verifier: a.verifier,
      redirectUri: `${SECRET_APP.redirectUri}x`,
    });
    expect(redirect.body).toMatchObject({
      error: "invalid_grant",
      error_description: expect.stringMatching(/redirect_uri/),
    });
    const b = await codeFor(SECRET_APP);
    const verifier = await b.client.token(config, { code: b.code, verifier: pkcePair().verifier });
    expect(verifier.body).toMatchObject({
      error: "invalid_grant",
      error_description: expect.stringMatching(/code_verifier/),
    });
    const c = await codeFor(JWT_APP);
    const stolen = await new SmartClient(epr.origin, SECRET_APP).token(config, {
      code: c.code,
      verifier: c.verifier,
    });
    expect(stolen.body).toMatchObject({
      error: "invalid_grant",
      error_description: expect.stringMatching(/another client/),
    });
    const unknown = await b.client.token(config, { code: "nope", verifier: b.verifier });
    expect(unknown.body["error"]).toBe("invalid_grant");
  });

  it("refuses another grant type and a body that is not a form", async () => {
    const { client, code, verifier } = await codeFor(SECRET_APP);
    const answer = await client.token(config, { code, verifier }, undefined);
    expect(answer.status).toBe(200);
    const other = await client.token(
      config,
      { code: "x", verifier },
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${SECRET_APP.clientId}:${SECRET_APP.secret}`).toString("base64")}`,
        },
        form: { grant_type: "client_credentials" },
      },
    );
    expect(other.body["error"]).toBe("unsupported_grant_type");
    const json = await fetch(config.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe("invalid_request");
  });
});

describe("private_key_jwt", () => {
  it("accepts an RS384 and an ES384 assertion from the app's JWKS", async () => {
    for (const key of [rs384, es384]) {
      const answer = await jwtExchange((endpoint) => clientAssertion(key, endpoint));
      expect(answer.status, key.alg).toBe(200);
      expect(answer.body["patient"]).toBe("RVR100001");
    }
    const logged = epr.smart.requests().at(-1);
    expect(logged).toMatchObject({ clientAuth: "private_key_jwt", clientId: JWT_APP_ID, status: 200 });
    expect(logged?.params?.["client_assertion"]).toBe("[present]");
  });

  const REFUSED: [string, (endpoint: string) => Promise<string>, RegExp][] = [
    ["aud the issuer, not the token endpoint", () => clientAssertion(rs384, epr.smart.urls.issuer), /aud/],
    [
      "an expired assertion",
      (e) => clientAssertion(rs384, e, { exp: Math.floor(Date.now() / 1000) - 60 }),
      /expired/,
    ],
    [
      "exp more than five minutes ahead",
      (e) => clientAssertion(rs384, e, { exp: Math.floor(Date.now() / 1000) + 600 }),
      /five minutes/,
    ],
    ["no jti", (e) => clientAssertion(rs384, e, { jti: undefined }), /jti/],
    ["sub other than the client", (e) => clientAssertion(rs384, e, { sub: "someone" }), /sub/],
    ["an unknown kid", (e) => clientAssertion({ ...unpublished, kid: "not-published" }, e), /kid/],
    [
      "a key not in the JWKS under a published kid",
      (e) => clientAssertion({ ...unpublished, kid: rs384.kid }, e),
      /signature/,
    ],
    ["alg RS256", (e) => clientAssertion(rs256, e), /alg/],
  ];
  for (const [name, sign, description] of REFUSED) {
    it(`refuses ${name}`, async () => {
      const answer = await jwtExchange(sign);
      expect(answer.status).toBe(401);
      expect(answer.body["error"]).toBe("invalid_client");
      expect(String(answer.body["error_description"])).toMatch(description);
    });
  }

  it("refuses a replayed jti and a wrong assertion type", async () => {
    const assertion = await clientAssertion(rs384, config.token_endpoint);
    expect((await jwtExchange(assertion)).status).toBe(200);
    const replay = await jwtExchange(assertion);
    expect(replay.body).toMatchObject({
      error: "invalid_client",
      error_description: expect.stringMatching(/jti/),
    });
    const { client, code, verifier } = await codeFor(JWT_APP);
    const fresh = await clientAssertion(rs384, config.token_endpoint);
    const typed = await client.token(
      config,
      { code, verifier },
      { headers: {}, form: { client_assertion_type: "jwt", client_assertion: fresh } },
    );
    expect(typed.body["error_description"]).toMatch(/client_assertion_type/);
  });
});
