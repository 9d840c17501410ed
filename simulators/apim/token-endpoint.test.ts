import { generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PdsSimulator, startPdsSimulator } from "../pds/server.ts";
import {
  assertion,
  clientCredentials,
  postToken,
  startTestApplication,
  type TestApplication,
} from "./test-support.ts";

let app: TestApplication;
let keyless: TestApplication;
let sim: PdsSimulator;
let tokenUrl: string;

beforeAll(async () => {
  [app, keyless] = await Promise.all([startTestApplication(), startTestApplication()]);
  sim = await startPdsSimulator({
    port: 0,
    rateLimitPerSecond: 0,
    platform: { applications: [{ apiKey: app.apiKey, jwksUrl: app.jwksUrl }, { apiKey: keyless.apiKey }] },
  });
  tokenUrl = sim.tokenUrl ?? "";
});
afterAll(async () => {
  await sim.close();
  await Promise.all([app.close(), keyless.close()]);
});

const refusedWith = (status: number, description: string) =>
  expect.objectContaining({ status, body: expect.objectContaining({ error_description: description }) });

describe("the API platform's token endpoint (client credentials with a signed JWT)", () => {
  it("issues an access token for a correct assertion, with expires_in and issued_at as strings", async () => {
    const { status, body } = await postToken(tokenUrl, clientCredentials(await assertion(app, tokenUrl)));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: "599" });
    expect(body["access_token"]).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(body["issued_at"]).toMatch(/^\d{13}$/);
  });

  it("refuses any Content-Type but the exact form type, a charset suffix included (415)", async () => {
    const form = clientCredentials(await assertion(app, tokenUrl));
    const result = await postToken(tokenUrl, form, "application/x-www-form-urlencoded;charset=UTF-8");
    expect(result).toEqual(refusedWith(415, "Content-Type header must be application/x-www-form-urlencoded"));
  });

  it("refuses a wrong aud, even the token URL with a trailing slash (401)", async () => {
    const wrong = await assertion(app, tokenUrl, { claims: { aud: `${tokenUrl}/` } });
    expect(await postToken(tokenUrl, clientCredentials(wrong))).toEqual(
      refusedWith(401, "Missing or invalid 'aud' claim in client_assertion JWT"),
    );
  });

  it("refuses an expired assertion (400)", async () => {
    const expired = await assertion(app, tokenUrl, { claims: { exp: Math.floor(Date.now() / 1000) - 60 } });
    expect(await postToken(tokenUrl, clientCredentials(expired))).toEqual(
      refusedWith(400, "Invalid 'exp' claim in client_assertion JWT - JWT has expired"),
    );
  });

  it("refuses an exp more than five minutes ahead (400)", async () => {
    const far = await assertion(app, tokenUrl, { claims: { exp: Math.floor(Date.now() / 1000) + 400 } });
    expect(await postToken(tokenUrl, clientCredentials(far))).toEqual(
      refusedWith(400, "Invalid 'exp' claim in client_assertion JWT - more than 5 minutes in future"),
    );
  });

  it("refuses a replayed jti, and spends a jti even on a request refused for its aud", async () => {
    const once = await assertion(app, tokenUrl, { claims: { jti: "jti-replayed" } });
    expect((await postToken(tokenUrl, clientCredentials(once))).status).toBe(200);
    expect(await postToken(tokenUrl, clientCredentials(once))).toEqual(
      refusedWith(400, "Non-unique 'jti' claim in client_assertion JWT"),
    );
    const badAud = await assertion(app, tokenUrl, { claims: { jti: "jti-spent", aud: "https://elsewhere" } });
    expect((await postToken(tokenUrl, clientCredentials(badAud))).status).toBe(401);
    const fixed = await assertion(app, tokenUrl, { claims: { jti: "jti-spent" } });
    expect(await postToken(tokenUrl, clientCredentials(fixed))).toEqual(
      refusedWith(400, "Non-unique 'jti' claim in client_assertion JWT"),
    );
  });

  it("refuses an unknown kid (401), without fetching the JWKS again for it", async () => {
    expect((await postToken(tokenUrl, clientCredentials(await assertion(app, tokenUrl)))).status).toBe(200);
    const fetched = app.fetches();
    expect(fetched).toBeGreaterThan(0);
    const unknown = await assertion(app, tokenUrl, { header: { kid: "not-registered" } });
    expect(await postToken(tokenUrl, clientCredentials(unknown))).toEqual(
      refusedWith(401, "Invalid 'kid' header in client_assertion JWT - no matching public key"),
    );
    expect(app.fetches()).toBe(fetched);
  });

  it("refuses a missing kid and a typ other than JWT (400)", async () => {
    const noKid = await assertion(app, tokenUrl, { header: { kid: undefined } });
    expect(await postToken(tokenUrl, clientCredentials(noKid))).toEqual(
      refusedWith(400, "Missing 'kid' header in client_assertion JWT"),
    );
    const typ = await assertion(app, tokenUrl, { header: { typ: "at+jwt" } });
    expect(await postToken(tokenUrl, clientCredentials(typ))).toEqual(
      refusedWith(400, "Invalid 'typ' header in client_assertion JWT - must be 'JWT'"),
    );
  });

  it("refuses any algorithm but RS512 (400)", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const rs256 = await assertion(app, tokenUrl, { header: { alg: "RS256" }, key: privateKey });
    expect(await postToken(tokenUrl, clientCredentials(rs256))).toEqual(
      refusedWith(
        400,
        "Invalid 'alg' header in client_assertion JWT - unsupported JWT algorithm - must be 'RS512'",
      ),
    );
  });

  it("refuses a signature by a key other than the registered one (401)", async () => {
    const { privateKey } = await generateKeyPair("RS512");
    const forged = await assertion(app, tokenUrl, { key: privateKey });
    expect(await postToken(tokenUrl, clientCredentials(forged))).toEqual(
      refusedWith(401, "JWT signature verification failed"),
    );
  });

  it("refuses iss other than sub (400) and an API key it does not know (401)", async () => {
    const split = await assertion(app, tokenUrl, { claims: { iss: "someone-else" } });
    expect(await postToken(tokenUrl, clientCredentials(split))).toEqual(
      refusedWith(400, "Missing or non-matching 'iss'/'sub' claims in client_assertion JWT"),
    );
    const stranger = await assertion(app, tokenUrl, { claims: { iss: "stranger", sub: "stranger" } });
    expect(await postToken(tokenUrl, clientCredentials(stranger))).toEqual(
      refusedWith(401, "Invalid 'iss'/'sub' claims in client_assertion JWT"),
    );
  });

  it("refuses an application with no public key registered (403 public_key error)", async () => {
    const result = await postToken(tokenUrl, clientCredentials(await assertion(keyless, tokenUrl)));
    expect(result).toEqual(
      refusedWith(
        403,
        "You need to register a public key to use this authentication method - please contact support to configure",
      ),
    );
    expect(result.body["error"]).toBe("public_key error");
  });

  it("refuses a wrong client_assertion_type and a missing or unknown grant_type (400)", async () => {
    const good = clientCredentials(await assertion(app, tokenUrl));
    expect(await postToken(tokenUrl, { ...good, client_assertion_type: "jwt" })).toEqual(
      refusedWith(
        400,
        "Missing or invalid client_assertion_type - must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'",
      ),
    );
    const { grant_type: _grant, ...noGrant } = good;
    expect(await postToken(tokenUrl, noGrant)).toEqual(refusedWith(400, "grant_type is missing"));
    expect(await postToken(tokenUrl, { ...good, grant_type: "password" })).toEqual(
      refusedWith(400, "grant_type is invalid"),
    );
  });
});
