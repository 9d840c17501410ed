/**
 * Sign-in over real HTTP against the CIS2 simulator: the happy paths, every failure scenario the
 * simulator offers (each with our own error code), and malformed or replayed callbacks. Every
 * failure must give a clear page with a stable code, a log line with the correlation id, and no
 * session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ tokenTimeoutDelayMs: 3000, env: { CIS2_HTTP_TIMEOUT_MS: "1000" } });
});
afterAll(async () => stack.close());

function errorCodeIn(html: string): string | undefined {
  return html.match(/data-testid="error-code">([^<]+)</)?.[1];
}

function referenceIn(html: string): string | undefined {
  return html.match(/data-testid="error-reference">([^<]+)</)?.[1];
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("signing in with CIS2", () => {
  it("signs a single-role clinician in and shows name, role and organisation", async () => {
    const agent = new HttpAgent();
    const page = await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    expect(page.url).toBe(`${stack.baseUrl}/home`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Amelia Hart");
    expect(page.body).toContain("Clinical Practitioner Access Role");
    expect(page.body).toContain("Riverside Community Health NHS Trust (test)");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(agent.cookie("localhost", "ncrs_session")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("records the role the user picked at CIS2 when they have several", async () => {
    const page = await signIn(new HttpAgent(), stack.baseUrl, {
      user: USERS.multiRole,
      role: "555000000202",
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain("Northgate Medical Practice (test)");
  });

  it("returns to the page the user was going to", async () => {
    const page = await signIn(new HttpAgent(), stack.baseUrl, {
      user: USERS.singleRole,
      start: "/auth/login?return_to=%2Fhelp%2Fsmartcard",
    });
    expect(page.url).toBe(`${stack.baseUrl}/help/smartcard`);
  });

  it("never returns to another site after sign-in", async () => {
    const page = await signIn(new HttpAgent(), stack.baseUrl, {
      user: USERS.singleRole,
      start: "/auth/login?return_to=%2F%2Fevil.example%2F",
    });
    expect(page.url).toBe(`${stack.baseUrl}/home`);
  });

  it("gives each sign-in a new session id", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const first = agent.cookie("localhost", "ncrs_session");
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    expect(agent.cookie("localhost", "ncrs_session")).not.toBe(first);
  });

  it.each([
    ["a user with no roles", { user: USERS.noRole }, 403, "sign_in.no_role"],
    [
      "a role this service does not permit",
      { user: USERS.multiRole, role: "555000000203" },
      403,
      "sign_in.role_not_permitted",
    ],
  ])("refuses %s with its own page", async (_name, choice, status, code) => {
    const agent = new HttpAgent();
    const page = await signIn(agent, stack.baseUrl, choice);
    expect(page.status).toBe(status);
    expect(errorCodeIn(page.body)).toBe(code);
    expect(agent.cookie("localhost", "ncrs_session")).toBeUndefined();
  });
});

describe("the home page", () => {
  it("lists every administration area for an administrator, each with what it is for", async () => {
    const agent = new HttpAgent();
    const home = await signIn(agent, stack.baseUrl, { user: USERS.admin });
    const list = home.body.match(/data-testid="admin-areas">([\s\S]*?)<\/ul>/)?.[1] ?? "";
    for (const href of [
      "/admin/workstations",
      "/admin/launches",
      "/admin/audit",
      "/admin/audit/patient",
      "/admin/events",
      "/help/clinical-safety",
    ]) {
      expect(list).toContain(`href="${href}"`);
      expect((await agent.get(`${stack.baseUrl}${href}`)).status).toBe(200);
    }
  });
});

describe("a role that is refused", () => {
  it("names the refused role, says what Change role does, and after the change says which role is in use", async () => {
    const agent = new HttpAgent();
    const refused = await signIn(agent, stack.baseUrl, { user: USERS.multiRole, role: "555000000203" });
    expect(errorCodeIn(refused.body)).toBe("sign_in.role_not_permitted");
    const role = refused.body.match(/data-testid="refused-role">([\s\S]*?)<\/p>/)?.[1] ?? "";
    expect(role).toContain("Admin/Clinical Support Access Role");
    expect(role).toContain("Riverside Community Health NHS Trust (test)");
    expect(role).toContain("Y90001");
    expect(refused.body).toContain('data-testid="change-role-explained"');
    expect(refused.body).toMatch(/Change role.{0,40}takes you to NHS Care Identity/);

    const changed = await signIn(agent, stack.baseUrl, {
      user: USERS.multiRole,
      role: "555000000201",
      start: "/auth/change-role",
    });
    expect(changed.status).toBe(200);
    expect(changed.url).toBe(`${stack.baseUrl}/home?role_changed=1`);
    const notice = changed.body.match(/data-testid="role-changed">([\s\S]*?)<\/div>/)?.[1] ?? "";
    expect(notice).toContain("You have changed role");
    expect(notice).toContain("Nurse Access Role");
    expect(notice).toContain("Riverside Community Health NHS Trust (test)");
  });

  it("names the signed-in role on a page the role may not use", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const refused = await agent.get(`${stack.baseUrl}/admin/workstations`);
    expect(errorCodeIn(refused.body)).toBe("session.forbidden");
    const role = refused.body.match(/data-testid="refused-role">([\s\S]*?)<\/p>/)?.[1] ?? "";
    expect(role).toContain("Clinical Practitioner Access Role");
    expect(role).toContain("Riverside Community Health NHS Trust (test)");
    expect(refused.body).toContain('data-testid="change-role-explained"');
  });
});

describe("CIS2 failure scenarios", () => {
  it.each([
    ["authorize-error", 401, "sign_in.cis2_refused"],
    ["token-500", 502, "sign_in.cis2_error"],
    ["token-timeout", 503, "sign_in.cis2_unavailable"],
    ["wrong-iss", 401, "sign_in.id_token_issuer"],
    ["wrong-aud", 401, "sign_in.id_token_audience"],
    ["bad-signature", 401, "sign_in.id_token_signature"],
    ["unsigned-id-token", 401, "sign_in.id_token_signature"],
    ["hs256-id-token", 401, "sign_in.id_token_signature"],
    ["expired-id-token", 401, "sign_in.id_token_expired"],
    ["missing-sid", 401, "sign_in.id_token_session_missing"],
    ["stale-auth-time", 401, "sign_in.auth_time_stale"],
    ["lower-acr", 403, "sign_in.acr_not_accepted"],
    ["wrong-nonce", 401, "sign_in.id_token_nonce"],
    ["wrong-azp", 401, "sign_in.id_token_authorized_party"],
    ["low-id-assurance", 403, "sign_in.identity_assurance_too_low"],
    ["userinfo-wrong-sub", 401, "sign_in.userinfo_subject_mismatch"],
  ])("%s → %i %s, logged with the reference, counted, and no session", async (scenario, status, code) => {
    const before = await metric("ncrs_sign_in_failed_total", `code="${code}"`);
    const agent = new HttpAgent();
    const page = await signIn(agent, stack.baseUrl, { user: USERS.singleRole, scenario });
    expect(page.status).toBe(status);
    expect(errorCodeIn(page.body)).toBe(code);
    expect(page.body).not.toMatch(/at .+\.ts:\d+/);
    expect(agent.cookie("localhost", "ncrs_session")).toBeUndefined();
    const reference = referenceIn(page.body);
    expect(reference).toBe(page.headers.get("x-correlation-id"));
    // The request's log line is written when the response has finished, which may be just after
    // the client has read it.
    await expect
      .poll(() => stack.logs.some((l) => l["correlationId"] === reference && l["code"] === code))
      .toBe(true);
    expect(await metric("ncrs_sign_in_failed_total", `code="${code}"`)).toBe(before + 1);
  });
});

describe("callback input that is wrong", () => {
  async function callbackUrl(agent: HttpAgent): Promise<string> {
    const form = await agent.follow(await agent.get(`${stack.baseUrl}/auth/login`));
    const action = form.body.match(/<form method="post" action="([^"]+)"/)?.[1] ?? "";
    let response = await agent.postForm(new URL(action, form.url).href, {
      user: USERS.singleRole,
      authenticator: "security-key",
      sim_scenario: "",
    });
    while (response.location && !response.location.startsWith(`${stack.baseUrl}/auth/callback`))
      response = await agent.get(response.location);
    if (!response.location) throw new Error("no callback redirect");
    return response.location;
  }

  it("refuses a callback without state or code", async () => {
    const page = await new HttpAgent().get(`${stack.baseUrl}/auth/callback?code=abc`);
    expect([page.status, errorCodeIn(page.body)]).toEqual([400, "sign_in.invalid_callback"]);
  });

  it("refuses a state it never issued", async () => {
    const page = await new HttpAgent().get(`${stack.baseUrl}/auth/callback?state=forged&code=abc`);
    expect([page.status, errorCodeIn(page.body)]).toEqual([400, "sign_in.unknown_state"]);
  });

  it("refuses repeated parameters", async () => {
    const page = await new HttpAgent().get(`${stack.baseUrl}/auth/callback?state=a&state=b&code=c`);
    expect(errorCodeIn(page.body)).toBe("sign_in.invalid_callback");
  });

  it("answers JSON to API clients", async () => {
    const response = await fetch(`${stack.baseUrl}/auth/callback?state=forged&code=abc`, {
      headers: { accept: "application/json" },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "sign_in.unknown_state" },
      correlationId: response.headers.get("x-correlation-id"),
    });
  });

  it("refuses a callback finished in another browser, and the state cannot be used again", async () => {
    const starter = new HttpAgent();
    const url = await callbackUrl(starter);
    const other = await new HttpAgent().get(url);
    expect(errorCodeIn(other.body)).toBe("sign_in.wrong_browser");
    const replay = await starter.get(url);
    expect(errorCodeIn(replay.body)).toBe("sign_in.unknown_state");
    expect(starter.cookie("localhost", "ncrs_session")).toBeUndefined();
  });

  it("refuses a replayed callback", async () => {
    const agent = new HttpAgent();
    const url = await callbackUrl(agent);
    expect((await agent.get(url)).location).toBe(`${stack.baseUrl}/home`);
    const again = await agent.get(url);
    expect(errorCodeIn(again.body)).toBe("sign_in.unknown_state");
  });

  it("refuses an authorization code that was already used, even with a fresh state", async () => {
    const agent = new HttpAgent();
    const used = new URL(await callbackUrl(agent));
    await agent.get(used.href);
    const fresh = new URL(await callbackUrl(agent));
    fresh.searchParams.set("code", used.searchParams.get("code") ?? "");
    const page = await agent.get(fresh.href);
    expect([page.status, errorCodeIn(page.body)]).toEqual([400, "sign_in.code_rejected"]);
  });

  const unsignedJwt = (alg: string, claims: object, signature = "") =>
    [Buffer.from(JSON.stringify({ alg, typ: "JWT" })), Buffer.from(JSON.stringify(claims))]
      .map((part) => part.toString("base64url"))
      .concat(signature)
      .join(".");

  it.each([
    ["a wrong iss", (url: URL) => url.searchParams.set("iss", "https://cis2.attacker.example")],
    [
      "an alg=none ID token",
      (url: URL) =>
        url.searchParams.set(
          "id_token",
          unsignedJwt("none", { iss: stack.cis2.issuer, sub: "x", aud: "y", exp: 4102444800 }),
        ),
    ],
    [
      "an HS256 ID token",
      (url: URL) =>
        url.searchParams.set(
          "id_token",
          unsignedJwt("HS256", { iss: stack.cis2.issuer, sub: "x" }, "c2lnbmF0dXJl"),
        ),
    ],
    ["a JARM response", (url: URL) => url.searchParams.set("response", unsignedJwt("none", { code: "x" }))],
  ])(
    "forged sign-ins look like a CIS2 outage: a callback with %s is a refused sign-in, logged as a warning",
    async (_name, tamper) => {
      const agent = new HttpAgent();
      const url = new URL(await callbackUrl(agent));
      tamper(url);
      const page = await agent.get(url.href);
      expect(page.status).toBeGreaterThanOrEqual(400);
      expect(page.status).toBeLessThan(500);
      expect(errorCodeIn(page.body)).not.toBe("sign_in.cis2_error");
      expect(agent.cookie("localhost", "ncrs_session")).toBeUndefined();
      const reference = referenceIn(page.body);
      await expect
        .poll(() => stack.logs.some((l) => l["correlationId"] === reference && l["code"]))
        .toBe(true);
      const lines = stack.logs.filter((l) => l["correlationId"] === reference);
      expect(lines.filter((l) => Number(l["level"]) >= 50)).toEqual([]);
    },
  );

  it("credentials in the access log: the authorization code and state of a callback are never logged", async () => {
    const agent = new HttpAgent();
    const url = new URL(await callbackUrl(agent));
    const response = await agent.get(url.href);
    expect(response.location).toBe(`${stack.baseUrl}/home`);
    const reference = response.headers.get("x-correlation-id");
    await expect
      .poll(() =>
        stack.logs.some((l) => l["correlationId"] === reference && l["msg"] === "request completed"),
      )
      .toBe(true);
    const logged = JSON.stringify(stack.logs);
    for (const name of ["code", "state"]) {
      const value = url.searchParams.get(name) as string;
      expect(value.length).toBeGreaterThan(10);
      expect(logged).not.toContain(value);
      expect(logged).not.toContain(encodeURIComponent(value));
    }
    const line = stack.logs.find((l) => l["correlationId"] === reference && l["msg"] === "request completed");
    expect(line).toMatchObject({ url: "/auth/callback", route: "/auth/callback", status: 303 });
  });

  it("lets two tabs sign in at once: both callbacks complete", async () => {
    const agent = new HttpAgent();
    const first = await callbackUrl(agent);
    const second = await callbackUrl(agent);
    expect((await agent.get(second)).location).toBe(`${stack.baseUrl}/home`);
    expect((await agent.get(first)).location).toBe(`${stack.baseUrl}/home`);
    expect((await agent.get(`${stack.baseUrl}/home`)).status).toBe(200);
  });

  it("treats a tampered session cookie as signed out", async () => {
    const agent = new HttpAgent();
    agent.setCookie("localhost", "ncrs_session", "A".repeat(43));
    const page = await agent.get(`${stack.baseUrl}/home`);
    expect(page.status).toBe(303);
    expect(page.location).toBe(`${stack.baseUrl}/?return_to=%2Fhome`);
  });
});
