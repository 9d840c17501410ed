import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "./server.ts";
import { Browser, radios } from "./test-support/browser.ts";
import { type RelyingParty, startRelyingParty } from "./test-support/relying-party.ts";
import { authParams, pageKind, signInAndExchange } from "./test-support/sign-in.ts";

let sim: Cis2Simulator;
let rp: RelyingParty;
const selectedRole = authParams({ scope: "openid selectedrole nationalrbacaccess" });
const changedRole = authParams({ scope: "openid changedrole nationalrbacaccess" });
const smartcard = "smartcard-identity-agent";

beforeAll(async () => {
  sim = await startCis2Simulator({ port: 0 });
  rp = await startRelyingParty(sim, { auth: "client_secret_post" });
});
afterAll(async () => {
  await rp.close();
  await sim.close();
});

describe("CIS2-hosted role selection", () => {
  it("chooses a single role automatically", async () => {
    const choice = { user: "555000000001", authenticator: smartcard };
    const { flow, claims } = await signInAndExchange(
      sim,
      new Browser(rp.redirectUri),
      rp,
      selectedRole,
      choice,
    );
    expect(flow.pages).toEqual(["sign-in"]);
    expect(claims["selected_roleid"]).toBe("555000000101");
  });

  it("lists two to five roles without a search box", async () => {
    const browser = new Browser(rp.redirectUri);
    const signInStep = await browser.go(rp.authorizeUrl(selectedRole));
    if (signInStep.kind !== "page") throw new Error("expected the sign-in page");
    const step = await browser.submit(signInStep.page, { user: "555000000002", authenticator: smartcard });
    if (step.kind !== "page") throw new Error("expected the role page");
    expect(pageKind(step.page)).toBe("role");
    expect(radios(step.page.html, "role").map((r) => r.value)).toEqual([
      "555000000201",
      "555000000202",
      "555000000203",
    ]);
    expect(step.page.html).not.toContain('name="q"');
    expect(step.page.html).toMatch(/<legend[^>]*>\s*Your roles\s*<\/legend>/);
  });

  it("puts the chosen role in selected_roleid", async () => {
    const choice = { user: "555000000002", authenticator: smartcard, role: "555000000202" };
    const { flow, claims } = await signInAndExchange(
      sim,
      new Browser(rp.redirectUri),
      rp,
      selectedRole,
      choice,
    );
    expect(flow.pages).toEqual(["sign-in", "role"]);
    expect(claims["selected_roleid"]).toBe("555000000202");
  });

  it("asks again when no role is picked", async () => {
    const browser = new Browser(rp.redirectUri);
    const signInStep = await browser.go(rp.authorizeUrl(selectedRole));
    if (signInStep.kind !== "page") throw new Error("expected the sign-in page");
    const roleStep = await browser.submit(signInStep.page, {
      user: "555000000002",
      authenticator: smartcard,
    });
    if (roleStep.kind !== "page") throw new Error("expected the role page");
    const again = await browser.submit(roleStep.page, {});
    expect(again.kind === "page" && again.page.status).toBe(400);
    expect(again.kind === "page" && again.page.html.includes("Select a role")).toBe(true);
  });

  it("adds a search box above five roles, which filters without JavaScript", async () => {
    const browser = new Browser(rp.redirectUri);
    const signInStep = await browser.go(rp.authorizeUrl(selectedRole));
    if (signInStep.kind !== "page") throw new Error("expected the sign-in page");
    const roleStep = await browser.submit(signInStep.page, {
      user: "555000000006",
      authenticator: smartcard,
    });
    if (roleStep.kind !== "page") throw new Error("expected the role page");
    expect(radios(roleStep.page.html, "role")).toHaveLength(8);
    expect(roleStep.page.html).toMatch(/<form method="get"[^>]*role="search"/);
    const search = new URL(roleStep.page.url);
    search.searchParams.set("q", "Northgate");
    const filtered = await browser.go(search);
    if (filtered.kind !== "page") throw new Error("expected the role page");
    expect(radios(filtered.page.html, "role").map((r) => r.value)).toEqual([
      "555000000602",
      "555000000604",
      "555000000606",
      "555000000608",
    ]);
    expect(filtered.page.html).toContain("Showing 4 of 8 roles");
    const picked = await browser.submit(filtered.page, { role: "555000000604" });
    expect(picked.kind).toBe("callback");
  });

  it("completes without selected_roleid for a user with no roles", async () => {
    const choice = { user: "555000000004", authenticator: smartcard };
    const { flow, claims } = await signInAndExchange(
      sim,
      new Browser(rp.redirectUri),
      rp,
      selectedRole,
      choice,
    );
    expect(flow.pages).toEqual(["sign-in"]);
    expect(claims).not.toHaveProperty("selected_roleid");
  });

  it("leaves selected_roleid out unless selectedrole or changedrole was asked for", async () => {
    const choice = { user: "555000000001", authenticator: smartcard };
    const { claims } = await signInAndExchange(sim, new Browser(rp.redirectUri), rp, authParams(), choice);
    expect(claims).not.toHaveProperty("selected_roleid");
  });

  it("does not ask again for selectedrole once a role was chosen in the CIS2 session", async () => {
    const browser = new Browser(rp.redirectUri);
    const choice = { user: "555000000002", authenticator: smartcard, role: "555000000203" };
    await signInAndExchange(sim, browser, rp, selectedRole, choice);
    const { flow, claims } = await signInAndExchange(sim, browser, rp, selectedRole, choice);
    expect(flow.pages).toEqual(["sign-in"]);
    expect(claims["selected_roleid"]).toBe("555000000203");
  });

  it("always asks again for changedrole", async () => {
    const browser = new Browser(rp.redirectUri);
    await signInAndExchange(sim, browser, rp, selectedRole, {
      user: "555000000002",
      authenticator: smartcard,
      role: "555000000201",
    });
    const { prompt: _login, ...silently } = changedRole;
    const change = { user: "555000000002", authenticator: smartcard, role: "555000000202" };
    const { flow, claims } = await signInAndExchange(sim, browser, rp, silently, change);
    expect(flow.pages).toEqual(["role"]);
    expect(claims["selected_roleid"]).toBe("555000000202");
    const remembered = await signInAndExchange(sim, browser, rp, selectedRole, change);
    expect(remembered.claims["selected_roleid"]).toBe("555000000202");
  });
});
