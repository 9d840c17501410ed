import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "./server.ts";
import { Browser, type Page, radios } from "./test-support/browser.ts";
import { type RelyingParty, startRelyingParty } from "./test-support/relying-party.ts";
import { authParams, pageKind, signIn, signInAndExchange } from "./test-support/sign-in.ts";

const AMELIA = "555000000001";
const EVE = "555000000005";
let sim: Cis2Simulator;
let rp: RelyingParty;

beforeAll(async () => {
  sim = await startCis2Simulator({ port: 0 });
  rp = await startRelyingParty(sim, { auth: "client_secret_post" });
});
afterAll(async () => {
  await rp.close();
  await sim.close();
});

async function signInPage(browser: Browser, params: Record<string, string>): Promise<Page> {
  const step = await browser.go(rp.authorizeUrl(params));
  if (step.kind !== "page" || pageKind(step.page) !== "sign-in") throw new Error("expected the sign-in page");
  return step.page;
}

describe("authenticators and assurance", () => {
  it.each([
    ["smartcard-identity-agent", ["N3_SMARTCARD"], 3],
    ["smartcard-connect", ["CIS2_SMARTCARD"], 3],
    ["security-key", ["FIDO2"], 3],
    ["windows-hello", ["WINDOWS_HELLO"], 3],
    ["ipad-app", ["IOS"], 3],
    ["authenticator-app", ["TOTP"], 2],
    ["nhsmail", ["NHSMAIL"], 2],
    ["passkey", ["PASSKEY"], 2],
  ])("reports %s as amr %j at AAL%i", async (authenticator, amr, aal) => {
    const browser = new Browser(rp.redirectUri);
    const params = authParams({ acr_values: "AAL2_OR_AAL3_ANY" });
    const { claims } = await signInAndExchange(sim, browser, rp, params, { user: AMELIA, authenticator });
    expect(claims).toMatchObject({
      acr: "AAL2_OR_AAL3_ANY",
      amr,
      authentication_assurance_level: aal,
      id_assurance_level: 3,
    });
  });

  it("reports AAL3_ANY when AAL3 was asked for and met", async () => {
    const browser = new Browser(rp.redirectUri);
    const choice = { user: AMELIA, authenticator: "security-key" };
    const { claims } = await signInAndExchange(
      sim,
      browser,
      rp,
      authParams({ acr_values: "AAL3_ANY" }),
      choice,
    );
    expect(claims).toMatchObject({ acr: "AAL3_ANY", authentication_assurance_level: 3 });
  });

  it("treats a request without acr_values as AAL2_OR_AAL3_ANY", async () => {
    const browser = new Browser(rp.redirectUri);
    const choice = { user: EVE, authenticator: "passkey" };
    const { claims } = await signInAndExchange(sim, browser, rp, authParams(), choice);
    expect(claims).toMatchObject({ acr: "AAL2_OR_AAL3_ANY", authentication_assurance_level: 2 });
  });

  it("shows AAL2 authenticators as unavailable when AAL3_ANY is asked for", async () => {
    const page = await signInPage(new Browser(rp.redirectUri), authParams({ acr_values: "AAL3_ANY" }));
    const disabled = radios(page.html, "authenticator")
      .filter((r) => r.disabled)
      .map((r) => r.value);
    expect(disabled).toEqual(["authenticator-app", "nhsmail", "passkey"]);
    expect(page.html).toContain("needs a very high confidence (AAL3) authenticator");
  });

  it("ends the authorization with access_denied when an AAL2 authenticator is posted anyway", async () => {
    const browser = new Browser(rp.redirectUri);
    const page = await signInPage(browser, authParams({ acr_values: "AAL3_ANY" }));
    const step = await browser.submit(page, {
      user: EVE,
      authenticator: "authenticator-app",
      sim_scenario: "",
    });
    expect(step.kind).toBe("callback");
    if (step.kind !== "callback") return;
    expect(step.url.searchParams.get("error")).toBe("access_denied");
    expect(step.url.searchParams.get("state")).toBe("state-123");
  });

  it("refuses, on the page, an authenticator the user does not hold", async () => {
    const browser = new Browser(rp.redirectUri);
    const page = await signInPage(browser, authParams());
    const step = await browser.submit(page, {
      user: EVE,
      authenticator: "smartcard-connect",
      sim_scenario: "",
    });
    expect(step.kind).toBe("page");
    if (step.kind !== "page") return;
    expect(step.page.status).toBe(400);
    expect(step.page.html).toContain("There is a problem");
    expect(step.page.html).toContain("does not hold: Smartcard (NHS Smartcard Connect)");
  });

  it("asks for a user and an authenticator when none is picked", async () => {
    const browser = new Browser(rp.redirectUri);
    const step = await browser.submit(await signInPage(browser, authParams()), {});
    expect(step.kind === "page" && step.page.html.includes("Select a test user")).toBe(true);
    expect(step.kind === "page" && step.page.html.includes("Select an authenticator")).toBe(true);
  });

  it("labels the page's controls with fieldsets, legends and a heading", async () => {
    const page = await signInPage(new Browser(rp.redirectUri), authParams());
    expect(page.html).toMatch(/<h1[^>]*>Sign in with your Care Identity<\/h1>/);
    expect(page.html).toMatch(/<legend[^>]*>\s*Test user\s*<\/legend>/);
    expect(page.html).toMatch(/<legend[^>]*>\s*Authenticator\s*<\/legend>/);
    expect(page.html).toMatch(/<label[^>]*for="sim_scenario"/);
  });
});

describe("CIS2 session and re-authentication", () => {
  const choice = { user: AMELIA, authenticator: "smartcard-connect" };

  it("signs in silently within the session when no re-authentication is asked for", async () => {
    const browser = new Browser(rp.redirectUri);
    const first = await signInAndExchange(sim, browser, rp, authParams(), choice);
    const { prompt: _login, ...params } = authParams({ max_age: "3600" });
    const second = await signInAndExchange(sim, browser, rp, params, choice);
    expect(second.flow.pages).toEqual([]);
    expect(second.claims["sid"]).toBe(first.claims["sid"]);
    expect(second.claims["auth_time"]).toBe(first.claims["auth_time"]);
  });

  it("always asks again with prompt=login, keeping the CIS2 session", async () => {
    const browser = new Browser(rp.redirectUri);
    const first = await signInAndExchange(sim, browser, rp, authParams(), choice);
    const second = await signInAndExchange(sim, browser, rp, authParams(), choice);
    expect(second.flow.pages).toEqual(["sign-in"]);
    expect(second.claims["sid"]).toBe(first.claims["sid"]);
  });

  it("moves to AAL3_ANY silently when the session's authenticator is AAL3", async () => {
    const browser = new Browser(rp.redirectUri);
    await signInAndExchange(sim, browser, rp, authParams({ acr_values: "AAL2_OR_AAL3_ANY" }), choice);
    const { flow, claims } = await signInAndExchange(
      sim,
      browser,
      rp,
      { scope: "openid", acr_values: "AAL3_ANY" },
      choice,
    );
    expect(flow.pages).toEqual([]);
    expect(claims).toMatchObject({ acr: "AAL3_ANY", authentication_assurance_level: 3 });
  });

  it("asks again when the session's AAL2 authenticator cannot meet AAL3_ANY", async () => {
    const browser = new Browser(rp.redirectUri);
    await signIn(browser, rp, authParams(), { user: EVE, authenticator: "nhsmail" });
    const page = await signInPage(browser, { scope: "openid", acr_values: "AAL3_ANY" });
    expect(page.html).toContain("needs a different assurance level");
  });

  it("gives a different user on the same browser a new CIS2 session", async () => {
    const browser = new Browser(rp.redirectUri);
    const first = await signInAndExchange(sim, browser, rp, authParams(), choice);
    const other = { user: "555000000003", authenticator: "windows-hello" };
    const second = await signInAndExchange(sim, browser, rp, authParams(), other);
    expect(second.claims.sub).toBe(other.user);
    expect(second.claims["sid"]).not.toBe(first.claims["sid"]);
  });
});
