/**
 * The signed context launch the EPR makes: the token verifies against the EPR's published JWKS
 * with the claims NCRS Connect checks, and the URL form carries it encrypted to the key NCRS
 * Connect publishes (served here by a tiny fake of NCRS Connect's JWKS, in this file).
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  compactDecrypt,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
} from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fhirPatient, findPatient } from "./patients.ts";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { attribute, EprClient } from "./test-support/client.ts";

const SECRET = "epr-test-secret-0123456789";

/** What the fake's /.well-known/jwks.json publishes; null answers 404. */
let published: { keys: JWK[] } | null = null;
let server: Server;
let ncrs: string;
let epr: EprSimulator;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(published ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(published ?? {}));
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  ncrs = `http://localhost:${(server.address() as AddressInfo).port}`;
  epr = await startEprSimulator({ port: 0, ncrsConnectUrl: ncrs, clientSecret: SECRET });
});
afterAll(async () => {
  await epr?.close();
  server?.closeAllConnections();
  server?.close();
});
beforeEach(() => {
  published = null;
});

async function eprKeys(): Promise<ReturnType<typeof createLocalJWKSet>> {
  const response = await fetch(`${epr.origin}/.well-known/jwks.json`);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return createLocalJWKSet((await response.json()) as JSONWebKeySet);
}

/** The desktop link's page: the form's action and its launch token. */
async function desktopLaunch(client: EprClient, mrn: string) {
  const page = await client.page(`/patients/${mrn}/desktop-launch`);
  expect(page.status).toBe(200);
  const form = /<form id="epr-context-launch"[^>]*>/;
  return {
    page,
    action: attribute(page.html, form, "action"),
    method: attribute(page.html, form, "method"),
    token: attribute(page.html, /<input[^>]*name="launch_token"[^>]*>/, "value") ?? "",
  };
}

async function verified(token: string) {
  return jwtVerify(token, await eprKeys(), {
    issuer: "riverside-epr",
    audience: `${ncrs}/context-launch`,
    algorithms: ["ES256"],
    typ: "JWT",
  });
}

describe("the desktop link (form post)", () => {
  it("posts a token signed by a key in the EPR's JWKS, with the specified claims", async () => {
    const client = new EprClient(epr.origin);
    const { action, method, token } = await desktopLaunch(client, "RVR100002");
    expect(action).toBe(`${ncrs}/context-launch`);
    expect(method).toBe("post");
    const { payload, protectedHeader } = await verified(token);
    expect(protectedHeader).toEqual({ alg: "ES256", kid: expect.stringMatching(/.+/), typ: "JWT" });
    expect(payload.iss).toBe("riverside-epr");
    expect(payload.aud).toBe(`${ncrs}/context-launch`);
    const iat = payload.iat ?? 0;
    expect(Math.abs(iat - Date.now() / 1000)).toBeLessThan(30);
    expect((payload.exp ?? 0) - iat).toBeGreaterThan(0);
    expect((payload.exp ?? 0) - iat).toBeLessThanOrEqual(300);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload["patient"]).toEqual(fhirPatient(findPatient("RVR100002") ?? ({} as never)));
    expect(payload["user_hint"]).toBe("555000000001");
    expect(payload["window_id"]).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(payload["encounter"]).toEqual({ reference: "Encounter/riverside-RVR100002" });
  });

  it("makes a new jti for every launch", async () => {
    const client = new EprClient(epr.origin);
    const jtis = new Set<unknown>();
    for (let i = 0; i < 5; i++)
      jtis.add((await verified((await desktopLaunch(client, "RVR100001")).token)).payload.jti);
    expect(jtis.size).toBe(5);
  });

  it("is refused by a verifier holding another key", async () => {
    const { token } = await desktopLaunch(new EprClient(epr.origin), "RVR100001");
    const other = await generateKeyPair("ES256");
    const kid = decodeProtectedHeader(token).kid ?? "";
    const foreign = createLocalJWKSet({
      keys: [{ ...(await exportJWK(other.publicKey)), kid, alg: "ES256" }],
    });
    await expect(jwtVerify(token, foreign)).rejects.toThrow(/signature/);
  });

  it("names the EPR user as the user hint, and another user in the mismatch case", async () => {
    const client = new EprClient(epr.origin);
    await client.page("/");
    const changed = await client.post("/epr-user", { user: "555000000005", returnTo: "/" });
    expect(changed.status).toBe(303);
    expect((await verified((await desktopLaunch(client, "RVR100001")).token)).payload["user_hint"]).toBe(
      "555000000005",
    );
    const mismatch = (await verified((await desktopLaunch(client, "RVR100008")).token)).payload["user_hint"];
    expect(mismatch).toMatch(/^\d{12}$/);
    expect(mismatch).not.toBe("555000000005");
  });

  it("keeps one window id per EPR session", async () => {
    const client = new EprClient(epr.origin);
    const a = (await verified((await desktopLaunch(client, "RVR100001")).token)).payload["window_id"];
    const b = (await verified((await desktopLaunch(client, "RVR100003")).token)).payload["window_id"];
    const c = (await verified((await desktopLaunch(new EprClient(epr.origin), "RVR100001")).token)).payload[
      "window_id"
    ];
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it("submits itself from a same-origin script file, not inline script", async () => {
    const { page } = await desktopLaunch(new EprClient(epr.origin), "RVR100001");
    expect(page.html).toContain('<script src="/assets/desktop-launch.js" defer></script>');
    expect(page.html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    const script = await fetch(`${epr.origin}/assets/desktop-launch.js`);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('getElementById("epr-context-launch")?.submit()');
  });
});

describe("the desktop link (URL)", () => {
  async function urlToken(mrn: string): Promise<string | undefined> {
    const page = await new EprClient(epr.origin).page(`/patients/${mrn}`);
    const href = attribute(page.html, /<a[^>]*data-testid="epr-desktop-url"[^>]*>/, "href");
    if (!href) return undefined;
    const url = new URL(href);
    expect(`${url.origin}${url.pathname}`).toBe(`${ncrs}/context-launch`);
    return url.searchParams.get("launch_token") ?? undefined;
  }

  for (const [kind, alg] of [
    ["EC", "ECDH-ES+A256KW"],
    ["RSA", "RSA-OAEP-256"],
  ] as const) {
    it(`carries the signed token encrypted to NCRS Connect's ${kind} key (${alg}, A256GCM, cty JWT)`, async () => {
      const pair = await generateKeyPair(alg, { extractable: true });
      const signing = await generateKeyPair("ES256", { extractable: true });
      published = {
        keys: [
          { ...(await exportJWK(signing.publicKey)), kid: "sig-1", use: "sig" },
          { ...(await exportJWK(pair.publicKey)), kid: "enc-1", use: "enc" },
        ],
      };
      const jwe = (await urlToken("RVR100006")) ?? "";
      expect(jwe.split(".")).toHaveLength(5);
      expect(decodeProtectedHeader(jwe)).toMatchObject({ alg, enc: "A256GCM", cty: "JWT", kid: "enc-1" });
      const { plaintext } = await compactDecrypt(jwe, pair.privateKey);
      const { payload } = await verified(new TextDecoder().decode(plaintext));
      expect(payload["patient"]).toEqual(fhirPatient(findPatient("RVR100006") ?? ({} as never)));
      expect(jwe).not.toContain("9991000003");
    });
  }

  it("is shown disabled with the reason when NCRS Connect publishes no encryption key", async () => {
    const signing = await generateKeyPair("ES256", { extractable: true });
    published = { keys: [{ ...(await exportJWK(signing.publicKey)), kid: "sig-1", use: "sig" }] };
    const page = await new EprClient(epr.origin).page("/patients/RVR100001");
    expect(attribute(page.html, /<a[^>]*data-testid="epr-desktop-url"[^>]*>/, "href")).toBeUndefined();
    expect(page.html).toMatch(/<a aria-disabled="true"[^>]*data-testid="epr-desktop-url"/);
    expect(page.html).toContain("publishes no encryption key");
  });

  it("is shown disabled when NCRS Connect's JWKS cannot be read", async () => {
    expect(await urlToken("RVR100001")).toBeUndefined();
    const page = await new EprClient(epr.origin).page("/patients/RVR100001");
    expect(page.html).toContain("/.well-known/jwks.json answered 404");
  });
});
