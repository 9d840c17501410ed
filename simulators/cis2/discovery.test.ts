import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "./server.ts";

const REALM_PATH = "/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare";
let sim: Cis2Simulator;

beforeAll(async () => {
  sim = await startCis2Simulator({ port: 0 });
});
afterAll(() => sim.close());

async function json(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${sim.issuer}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("discovery", () => {
  it("states the issuer with its explicit port, under AM's Healthcare realm", async () => {
    const port = new URL(sim.baseUrl).port;
    expect(sim.issuer).toBe(`http://localhost:${port}${REALM_PATH}`);
    const doc = await json("/.well-known/openid-configuration");
    expect(doc["issuer"]).toBe(sim.issuer);
  });

  it("names CIS2's endpoint paths", async () => {
    const doc = await json("/.well-known/openid-configuration");
    expect(doc).toMatchObject({
      authorization_endpoint: `${sim.issuer}/authorize`,
      token_endpoint: `${sim.issuer}/access_token`,
      userinfo_endpoint: `${sim.issuer}/userinfo`,
      jwks_uri: `${sim.issuer}/connect/jwk_uri`,
      end_session_endpoint: `${sim.issuer}/connect/endSession`,
    });
  });

  it("offers the code flow for confidential clients with CIS2's scopes and classes", async () => {
    const doc = await json("/.well-known/openid-configuration");
    expect(doc["response_types_supported"]).toEqual(["code"]);
    expect(doc["grant_types_supported"]).toEqual(["authorization_code"]);
    expect(doc["token_endpoint_auth_methods_supported"]).toEqual(["private_key_jwt", "client_secret_post"]);
    expect(doc["token_endpoint_auth_signing_alg_values_supported"]).toEqual(["RS512", "RS256"]);
    expect(doc["id_token_signing_alg_values_supported"]).toEqual(["RS256"]);
    expect(doc["acr_values_supported"]).toEqual(["AAL3_ANY", "AAL2_OR_AAL3_ANY"]);
    expect(doc["code_challenge_methods_supported"]).toEqual(["S256"]);
    expect(doc["scopes_supported"]).toEqual(
      expect.arrayContaining(["openid", "profile", "email", "nhsperson", "associatedorgs"]),
    );
    expect(doc["scopes_supported"]).toEqual(
      expect.arrayContaining(["nationalrbacaccess", "selectedrole", "changedrole"]),
    );
    expect(doc["backchannel_logout_supported"]).toBe(true);
    expect(doc["backchannel_logout_session_supported"]).toBe(true);
  });
});

describe("JWKS", () => {
  it("publishes one public RS256 signing key", async () => {
    const jwks = await json("/connect/jwk_uri");
    const keys = jwks["keys"] as Record<string, unknown>[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(typeof keys[0]?.["kid"]).toBe("string");
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("generates fresh keys at every start", async () => {
    const other = await startCis2Simulator({ port: 0 });
    try {
      const kid = async (s: Cis2Simulator) => {
        const body = (await (await fetch(`${s.issuer}/connect/jwk_uri`)).json()) as {
          keys: { kid: string }[];
        };
        return body.keys[0]?.kid;
      };
      expect(await kid(other)).not.toBe(await kid(sim));
    } finally {
      await other.close();
    }
  });
});

describe("simulator pages", () => {
  it("answers the health check", async () => {
    const response = await fetch(`${sim.baseUrl}/sim/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", issuer: sim.issuer });
  });

  it("serves the NHS stylesheet without web fonts or outside URLs", async () => {
    const response = await fetch(`${sim.baseUrl}/sim/assets/nhsuk-frontend.min.css`);
    expect(response.status).toBe(200);
    const css = await response.text();
    expect(css).toContain(".nhsuk-button");
    expect(css).not.toContain("@font-face");
    expect(css).not.toMatch(/url\(https?:/);
  });

  it("serves the images the stylesheet refers to", async () => {
    const response = await fetch(`${sim.baseUrl}/sim/assets/images/nhsuk-icon-cross.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    expect((await fetch(`${sim.baseUrl}/sim/assets/images/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it("renders the control page with no outside requests", async () => {
    const response = await fetch(`${sim.baseUrl}/sim/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<h1");
    expect(html).toContain("No one is signed in.");
    // Resources the browser would fetch by itself: scripts, images, stylesheets, icons.
    expect(html).not.toMatch(/src="https?:\/\//);
    expect(html).not.toMatch(/<link[^>]+href="https?:\/\//);
  });
});
