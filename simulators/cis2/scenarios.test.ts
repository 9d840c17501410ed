import {
  compactVerify,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  jwtVerify,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_SUB } from "./response-shaping.ts";
import { SCENARIO_IDS, SCENARIOS, type ScenarioId } from "./scenarios.ts";
import { type Cis2Simulator, startCis2Simulator } from "./server.ts";
import { Browser } from "./test-support/browser.ts";
import { type RelyingParty, startRelyingParty } from "./test-support/relying-party.ts";
import { authParams, codeFrom, signIn } from "./test-support/sign-in.ts";

const CHIDI = "555000000003";
const smartcard = { user: CHIDI, authenticator: "smartcard-identity-agent" };
let sim: Cis2Simulator;
let rp: RelyingParty;
const covered = new Set<ScenarioId>();

beforeAll(async () => {
  sim = await startCis2Simulator({ port: 0 });
  rp = await startRelyingParty(sim, { auth: "private_key_jwt" });
});
afterAll(async () => {
  await rp.close();
  await sim.close();
});

/** Signs in with the scenario picked on the form and exchanges the code. */
async function tokensWith(scenario: ScenarioId | "", params = authParams({ acr_values: "AAL3_ANY" })) {
  if (scenario) covered.add(scenario);
  const { callback } = await signIn(new Browser(rp.redirectUri), rp, params, { ...smartcard, scenario });
  return rp.exchange(codeFrom(callback));
}

/** Verifies only the signature, so each test can look at the one claim its scenario spoils. */
async function signedClaims(token: unknown): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${sim.issuer}/connect/jwk_uri`));
  const { payload } = await compactVerify(String(token), jwks);
  return JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
}

async function idTokenWith(scenario: ScenarioId): Promise<JWTPayload> {
  const tokens = await tokensWith(scenario);
  expect(tokens.status).toBe(200);
  return signedClaims(tokens.body["id_token"]);
}

describe("scenario catalogue", () => {
  it("lists every scenario with a one-line description", async () => {
    const response = await fetch(`${sim.baseUrl}/sim/api/scenarios`);
    const listed = (await response.json()) as { id: string; description: string }[];
    expect(listed.map((s) => s.id)).toEqual([...SCENARIO_IDS]);
    for (const s of listed) expect(s.description).toMatch(/^[^\n]{10,}$/);
  });
});

describe("ID token scenarios", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("wrong-iss: iss loses its port", async () => {
    const claims = await idTokenWith("wrong-iss");
    expect(claims.iss).toBe(sim.issuer.replace(/:\d+\//, "/"));
  });

  it("wrong-aud: aud names another client", async () => {
    expect((await idTokenWith("wrong-aud")).aud).not.toBe(rp.clientId);
  });

  it("wrong-azp: azp names another client", async () => {
    const claims = await idTokenWith("wrong-azp");
    expect(claims["azp"]).not.toBe(rp.clientId);
    expect(claims.aud).toBe(rp.clientId);
  });

  it("bad-signature: the signature does not verify but the claims look right", async () => {
    covered.add("bad-signature");
    const tokens = await tokensWith("bad-signature");
    await expect(signedClaims(tokens.body["id_token"])).rejects.toThrow(/signature/);
    expect(decodeJwt(String(tokens.body["id_token"]))).toMatchObject({ iss: sim.issuer, aud: rp.clientId });
  });

  it("unsigned-id-token: alg none and no signature, the claims untouched", async () => {
    covered.add("unsigned-id-token");
    const token = String((await tokensWith("unsigned-id-token")).body["id_token"]);
    expect(decodeProtectedHeader(token).alg).toBe("none");
    expect(token.endsWith(".")).toBe(true);
    expect(decodeJwt(token)).toMatchObject({ iss: sim.issuer, aud: rp.clientId });
  });

  it("hs256-id-token: HS256 with the client id as the secret", async () => {
    covered.add("hs256-id-token");
    const token = String((await tokensWith("hs256-id-token")).body["id_token"]);
    expect(decodeProtectedHeader(token).alg).toBe("HS256");
    await expect(jwtVerify(token, new TextEncoder().encode(rp.clientId))).resolves.toBeDefined();
  });

  it("expired-id-token: exp and iat are in the past", async () => {
    const claims = await idTokenWith("expired-id-token");
    expect(Number(claims.exp)).toBeLessThan(now());
    expect(Number(claims.iat)).toBeLessThan(now() - 3600);
  });

  it("missing-sid: no sid", async () => {
    expect(await idTokenWith("missing-sid")).not.toHaveProperty("sid");
  });

  it("stale-auth-time: auth_time is an hour old", async () => {
    expect(Number((await idTokenWith("stale-auth-time"))["auth_time"])).toBeLessThanOrEqual(now() - 3600);
  });

  it("lower-acr: AAL2_ANY at level 2 although AAL3 was asked for and used", async () => {
    expect(await idTokenWith("lower-acr")).toMatchObject({
      acr: "AAL2_ANY",
      authentication_assurance_level: 2,
    });
  });

  it("wrong-nonce: nonce differs from the one sent", async () => {
    const claims = await idTokenWith("wrong-nonce");
    expect(typeof claims["nonce"]).toBe("string");
    expect(claims["nonce"]).not.toBe("nonce-456");
  });

  it("low-id-assurance: id_assurance_level 2", async () => {
    expect((await idTokenWith("low-id-assurance"))["id_assurance_level"]).toBe(2);
  });
});

describe("endpoint scenarios", () => {
  it("authorize-error: the client gets error=server_error", async () => {
    covered.add("authorize-error");
    const { callback } = await signIn(new Browser(rp.redirectUri), rp, authParams(), {
      ...smartcard,
      scenario: "authorize-error",
    });
    expect(callback.searchParams.get("error")).toBe("server_error");
    expect(callback.searchParams.get("state")).toBe("state-123");
    expect(callback.searchParams.has("code")).toBe(false);
  });

  it("token-500: the token endpoint answers 500", async () => {
    const tokens = await tokensWith("token-500");
    expect(tokens.status).toBe(500);
    expect(tokens.body["error"]).toBe("server_error");
  });

  it("userinfo-wrong-sub: UserInfo names someone else", async () => {
    const tokens = await tokensWith("userinfo-wrong-sub", authParams({ scope: "openid profile" }));
    expect((await signedClaims(tokens.body["id_token"])).sub).toBe(CHIDI);
    const userinfo = await rp.userinfo(String(tokens.body["access_token"]));
    expect(userinfo.body["sub"]).toBe(OTHER_SUB);
  });

  it("token-timeout: the token endpoint holds its answer", async () => {
    covered.add("token-timeout");
    let applied: () => void = () => {};
    const appliedSeen = new Promise<void>((resolve) => {
      applied = resolve;
    });
    const slow = await startCis2Simulator({
      port: 0,
      tokenTimeoutDelayMs: 600_000,
      log: (line) => line.includes("scenario token-timeout applied") && applied(),
    });
    const slowRp = await startRelyingParty(slow, { auth: "client_secret_post" });
    try {
      const choice = { ...smartcard, scenario: "token-timeout" };
      const { callback } = await signIn(new Browser(slowRp.redirectUri), slowRp, authParams(), choice);
      const outcome = slowRp.exchange(codeFrom(callback)).then(
        () => "answered",
        () => "connection closed",
      );
      await appliedSeen;
      expect(await Promise.race([outcome, Promise.resolve("still waiting")])).toBe("still waiting");
      await slow.close();
      expect(await outcome).toBe("connection closed");
    } finally {
      await slowRp.close();
      await slow.close().catch(() => {});
    }
  });
});

describe("choosing scenarios", () => {
  it("applies a per-request scenario to that authorization only", async () => {
    const browser = new Browser(rp.redirectUri);
    const faulty = await signIn(browser, rp, authParams(), { ...smartcard, scenario: "missing-sid" });
    const fine = await signIn(browser, rp, authParams(), smartcard);
    const claimsOf = async (callback: URL) => {
      const tokens = await rp.exchange(codeFrom(callback));
      expect(tokens.body).toHaveProperty("id_token");
      return signedClaims(tokens.body["id_token"]);
    };
    expect(await claimsOf(faulty.callback)).not.toHaveProperty("sid");
    expect(await claimsOf(fine.callback)).toHaveProperty("sid");
  });

  it("pins a scenario to a user until it is cleared", async () => {
    const put = (scenario: string | null, sub = CHIDI) =>
      fetch(`${sim.baseUrl}/sim/api/users/${sub}/scenario`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenario }),
      });
    expect((await put("low-id-assurance")).status).toBe(200);
    const users = (await (await fetch(`${sim.baseUrl}/sim/api/users`)).json()) as Record<string, unknown>[];
    expect(users.find((u) => u["sub"] === CHIDI)?.["scenario"]).toBe("low-id-assurance");
    const pinned = await signedClaims((await tokensWith("")).body["id_token"]);
    expect(pinned["id_assurance_level"]).toBe(2);
    expect((await put(null)).status).toBe(200);
    const cleared = await signedClaims((await tokensWith("")).body["id_token"]);
    expect(cleared["id_assurance_level"]).toBe(3);
    expect((await put("no-such-scenario")).status).toBe(400);
    expect((await put(null, "999999999999")).status).toBe(404);
  });

  it("has a test above for every scenario in the catalogue", () => {
    expect([...covered].sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
  });
});
