import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGOUT_EVENT } from "./backchannel-logout.ts";
import { type Cis2Simulator, startCis2Simulator } from "./server.ts";
import { Browser } from "./test-support/browser.ts";
import { type RelyingParty, startRelyingParty } from "./test-support/relying-party.ts";
import { authParams, pageKind, signInAndExchange } from "./test-support/sign-in.ts";

let sim: Cis2Simulator;
let app: RelyingParty;
let other: RelyingParty;
const choice = { user: "555000000001", authenticator: "smartcard-identity-agent" };

beforeAll(async () => {
  sim = await startCis2Simulator({ port: 0 });
  app = await startRelyingParty(sim, { auth: "private_key_jwt" });
  other = await startRelyingParty(sim, { auth: "client_secret_post" });
});
afterAll(async () => {
  await Promise.all([app.close(), other.close()]);
  await sim.close();
});

async function api(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.baseUrl}/sim/api${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function verifyLogoutToken(token: string | undefined, audience: string) {
  if (!token) throw new Error("no logout token received");
  const jwks = createRemoteJWKSet(new URL(`${sim.issuer}/connect/jwk_uri`));
  return (await jwtVerify(token, jwks, { issuer: sim.issuer, audience, algorithms: ["RS256"] })).payload;
}

/** Signs the same browser in to both relying parties; returns the sid they were given. */
async function signedInToBoth(): Promise<{ sid: unknown; browser: Browser }> {
  const browser = new Browser(app.redirectUri);
  const first = await signInAndExchange(sim, browser, app, authParams(), choice);
  const second = await signInAndExchange(
    sim,
    browser.withCallback(other.redirectUri),
    other,
    authParams(),
    choice,
  );
  expect(second.claims["sid"]).toBe(first.claims["sid"]);
  return { sid: first.claims["sid"], browser };
}

describe("back-channel logout", () => {
  it("lists the CIS2 session with the relying parties it signed in to", async () => {
    const { sid } = await signedInToBoth();
    const sessions = (await api("/sessions")).body as unknown as Record<string, unknown>[];
    expect(sessions.find((s) => s["sid"] === sid)).toMatchObject({
      sub: choice.user,
      authenticator: choice.authenticator,
      client_ids: [app.clientId, other.clientId],
    });
  });

  it("sends each relying party a signed logout token naming the session", async () => {
    const { sid } = await signedInToBoth();
    const before = [app.logoutTokens.length, other.logoutTokens.length];
    const ended = await api("/sessions/end", { sid });
    expect(ended.status).toBe(200);
    expect(ended.body["deliveries"]).toEqual([
      { client_id: app.clientId, uri: app.registration.backchannel_logout_uri, status: 200 },
      { client_id: other.clientId, uri: other.registration.backchannel_logout_uri, status: 200 },
    ]);
    const token = app.logoutTokens[before[0] ?? 0];
    const claims = await verifyLogoutToken(token, app.clientId);
    expect(claims).toMatchObject({ sub: choice.user, sid, events: { [LOGOUT_EVENT]: {} } });
    expect(claims).not.toHaveProperty("nonce");
    expect(typeof claims.jti).toBe("string");
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
    expect(decodeProtectedHeader(token ?? "").typ).toBe("logout+jwt");
    await verifyLogoutToken(other.logoutTokens[before[1] ?? 0], other.clientId);
  });

  it("makes the browser authenticate again once the session has ended", async () => {
    const { sid, browser } = await signedInToBoth();
    await api("/sessions/end", { sid });
    expect((await api("/sessions")).body).not.toContainEqual(expect.objectContaining({ sid }));
    const step = await browser.withCallback(app.redirectUri).go(app.authorizeUrl({ scope: "openid" }));
    expect(step.kind === "page" && pageKind(step.page)).toBe("sign-in");
  });

  it("ends every session of a user by sub", async () => {
    await signedInToBoth();
    await signedInToBoth();
    const ended = await api("/sessions/end", { sub: choice.user });
    expect((ended.body["ended"] as string[]).length).toBeGreaterThanOrEqual(2);
    expect((await api("/sessions")).body).not.toContainEqual(expect.objectContaining({ sub: choice.user }));
  });

  it("tells only the relying parties that registered a back-channel logout URI", async () => {
    const silent = await startRelyingParty(sim, { auth: "client_secret_post", backchannelLogout: false });
    try {
      const browser = new Browser(app.redirectUri);
      const { claims } = await signInAndExchange(sim, browser, app, authParams(), choice);
      await signInAndExchange(sim, browser.withCallback(silent.redirectUri), silent, authParams(), choice);
      const ended = await api("/sessions/end", { sid: claims["sid"] });
      expect(ended.body["deliveries"]).toEqual([
        expect.objectContaining({ client_id: app.clientId, status: 200 }),
      ]);
    } finally {
      await silent.close();
    }
  });

  it("answers 404 when no session matches", async () => {
    expect((await api("/sessions/end", { sid: "no-such-session" })).status).toBe(404);
  });

  it("reports a relying party that cannot be reached", async () => {
    const gone = await startRelyingParty(sim, { auth: "client_secret_post" });
    const { claims } = await signInAndExchange(
      sim,
      new Browser(gone.redirectUri),
      gone,
      authParams(),
      choice,
    );
    await gone.close();
    const ended = await api("/sessions/end", { sid: claims["sid"] });
    expect(ended.body["deliveries"]).toEqual([
      expect.objectContaining({ client_id: gone.clientId, status: 0 }),
    ]);
  });

  it("ends the session from the control page's smartcard button", async () => {
    const { sid } = await signedInToBoth();
    const page = await (await fetch(`${sim.baseUrl}/sim/`)).text();
    expect(page).toContain(String(sid));
    expect(page).toContain("Remove smartcard / end CIS2 session");
    const before = app.logoutTokens.length;
    const response = await fetch(`${sim.baseUrl}/sim/sessions/end`, {
      method: "POST",
      body: new URLSearchParams({ sid: String(sid) }),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(app.logoutTokens.length).toBe(before + 1);
    const after = await (await fetch(`${sim.baseUrl}${response.headers.get("location")}`)).text();
    expect(after).toContain(`CIS2 session ${String(sid)} ended.`);
  });

  it("ends the session when the user signs out at the end-session endpoint", async () => {
    const browser = new Browser(app.redirectUri);
    const { tokens, claims } = await signInAndExchange(sim, browser, app, authParams(), choice);
    const before = other.logoutTokens.length + app.logoutTokens.length;
    const url = new URL(`${sim.issuer}/connect/endSession`);
    url.searchParams.set("id_token_hint", String(tokens.body["id_token"]));
    const confirm = await browser.go(url);
    if (confirm.kind !== "page") throw new Error("expected the sign-out page");
    expect(confirm.page.html).toContain("Do you want to sign out of CIS2?");
    const done = await browser.submit(confirm.page, { logout: "yes", xsrf: xsrfOf(confirm.page.html) });
    expect(done.kind === "page" && done.page.html).toContain("You have signed out of CIS2");
    expect((await api("/sessions")).body).not.toContainEqual(expect.objectContaining({ sid: claims["sid"] }));
    expect(other.logoutTokens.length + app.logoutTokens.length).toBe(before + 1);
  });
});

function xsrfOf(html: string): string {
  return /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

describe("logout tokens minted for tests", () => {
  const mint = async (variant?: string) => {
    const body = { sid: "sid-1", sub: choice.user, client_id: app.clientId, ...(variant ? { variant } : {}) };
    const response = await api("/logout-tokens", body);
    expect(response.status).toBe(200);
    return String(response.body["logout_token"]);
  };

  it("mints a valid token without delivering it", async () => {
    const before = app.logoutTokens.length;
    const claims = await verifyLogoutToken(await mint(), app.clientId);
    expect(claims).toMatchObject({ sid: "sid-1", sub: choice.user });
    expect(app.logoutTokens.length).toBe(before);
  });

  it("forges a signature that the JWKS does not verify", async () => {
    await expect(verifyLogoutToken(await mint("bad-signature"), app.clientId)).rejects.toThrow(/signature/);
  });

  it.each([
    ["wrong-iss", (c: Record<string, unknown>) => c["iss"] !== sim.issuer],
    ["wrong-aud", (c: Record<string, unknown>) => c["aud"] !== app.clientId],
    ["missing-sid", (c: Record<string, unknown>) => !("sid" in c)],
    ["with-nonce", (c: Record<string, unknown>) => typeof c["nonce"] === "string"],
    ["missing-events", (c: Record<string, unknown>) => !("events" in c)],
    ["expired", (c: Record<string, unknown>) => Number(c["exp"]) < Date.now() / 1000],
  ])("mints the %s variant", async (variant, isFaulty) => {
    expect(isFaulty(decodeJwt(await mint(variant)))).toBe(true);
    expect(isFaulty(decodeJwt(await mint("valid")))).toBe(false);
  });

  it("refuses an unknown variant", async () => {
    const response = await api("/logout-tokens", { sid: "s", sub: "u", client_id: "c", variant: "nope" });
    expect(response.status).toBe(400);
  });
});
