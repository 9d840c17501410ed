/**
 * Sessions over real HTTP: idle and absolute timeouts, the idle timer's status and keep-alive,
 * log-out (CSRF-protected), change of role, one session per user, and nothing of a previous user
 * left for the next.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { confirmAtCis2, logOut, signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("idle and absolute timeouts", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        SESSION_SHARED_IDLE_SECONDS: "2",
        SESSION_IDLE_WARNING_SECONDS: "1",
        SESSION_TOUCH_INTERVAL_SECONDS: "1",
        SESSION_SHARED_ABSOLUTE_SECONDS: "4",
      },
    });
  });
  afterAll(async () => stack.close());

  it("ends a session left idle, and says why on the start page", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    await sleep(2300);
    const page = await agent.follow(await agent.get(`${stack.baseUrl}/home`));
    expect(page.url).toBe(`${stack.baseUrl}/?return_to=%2Fhome&signed_out=idle_timeout`);
    expect(page.body).toContain("because you were inactive");
  });

  it("does not count the idle timer's status check as activity, but counts keep-alive", async () => {
    const agent = new HttpAgent();
    const home = await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const token = csrfTokenIn(home.body);
    await sleep(1200);
    const status = JSON.parse(
      (await agent.get(`${stack.baseUrl}/session/status`, { accept: "application/json" })).body,
    );
    expect(status).toMatchObject({ signedIn: true, warningSeconds: 1 });
    const kept = await agent.request(`${stack.baseUrl}/session/keep-alive`, {
      method: "POST",
      headers: { accept: "application/json", "x-csrf-token": token },
    });
    const keptStatus = JSON.parse(kept.body);
    expect(Date.parse(keptStatus.idleExpiresAt)).toBeGreaterThan(Date.parse(status.idleExpiresAt));
    await sleep(1200);
    expect((await agent.get(`${stack.baseUrl}/home`)).status).toBe(200);
    await sleep(2300);
    const after = JSON.parse(
      (await agent.get(`${stack.baseUrl}/session/status`, { accept: "application/json" })).body,
    );
    expect(after).toEqual({ signedIn: false, reason: expect.stringMatching(/timeout/) });
  });

  it("ends a session at its absolute limit however active it is", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    let response = await agent.get(`${stack.baseUrl}/home`);
    for (let i = 0; i < 8 && response.status === 200; i++) {
      await sleep(700);
      response = await agent.get(`${stack.baseUrl}/home`);
    }
    expect(response.location).toContain("signed_out=absolute_timeout");
  });

  it("refuses keep-alive without a CSRF token", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const response = await agent.request(`${stack.baseUrl}/session/keep-alive`, {
      method: "POST",
      headers: { accept: "application/json" },
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "request.csrf_invalid" } });
  });
});

describe("log out, change role and the next user", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { SESSION_SINGLE_PER_USER: "true" } });
  });
  afterAll(async () => stack.close());

  it("logs out with the header's form and leaves nothing behind", async () => {
    const agent = new HttpAgent();
    const home = await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const start = await logOut(agent, stack.baseUrl, home);
    expect(start.url).toBe(`${stack.baseUrl}/?signed_out=logout`);
    expect(start.body).toContain("You have logged out");
    expect(start.body).not.toContain("Amelia Hart");
    expect((await agent.get(`${stack.baseUrl}/home`)).status).toBe(303);
  });

  it("signing out ends the CIS2 session: on a shared workstation log-out goes on to CIS2's end-session endpoint, after ending the session here", async () => {
    const agent = new HttpAgent();
    const home = await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const out = await agent.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: csrfTokenIn(home.body) });
    const endSession = new URL(out.location ?? "");
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${stack.cis2.issuer}/connect/endSession`);
    expect(endSession.searchParams.get("id_token_hint")).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${stack.baseUrl}/auth/logged-out`);
    const state = endSession.searchParams.get("state") ?? "";
    expect(state.length).toBeGreaterThan(20);
    // Signed out here before the browser ever reaches CIS2.
    expect((await agent.get(`${stack.baseUrl}/home`)).status).toBe(303);
    const sessions = await (await fetch(`${stack.cis2.baseUrl}/sim/api/sessions`)).json();
    expect(JSON.stringify(sessions)).toContain(USERS.singleRole);
    const start = await confirmAtCis2(agent, out);
    expect(start.url).toBe(`${stack.baseUrl}/?signed_out=logout`);
    const after = (await (await fetch(`${stack.cis2.baseUrl}/sim/api/sessions`)).json()) as { sub: string }[];
    expect(after.filter((s) => s.sub === USERS.singleRole)).toEqual([]);
  });

  it("signing out ends the CIS2 session: coming back from CIS2 with a state we did not send changes nothing and still says signed out", async () => {
    const agent = new HttpAgent();
    const back = await agent.follow(await agent.get(`${stack.baseUrl}/auth/logged-out?state=forged`));
    expect(back.url).toBe(`${stack.baseUrl}/?signed_out=logout`);
    await expect
      .poll(() => stack.logs.some((l) => String(l["msg"]).includes("a state we did not send")))
      .toBe(true);
  });

  it("refuses a log-out form without a valid CSRF token", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const out = await agent.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: "forged" });
    expect(out.status).toBe(403);
    expect(out.body).toContain("request.csrf_invalid");
    expect((await agent.get(`${stack.baseUrl}/home`)).status).toBe(200);
  });

  it("does not accept a CSRF token minted for another session", async () => {
    const first = new HttpAgent();
    const page = await signIn(first, stack.baseUrl, { user: USERS.multiRole, role: "555000000201" });
    const token = csrfTokenIn(page.body);
    await signIn(first, stack.baseUrl, { user: USERS.multiRole, role: "555000000201" });
    const out = await first.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: token });
    expect(out.status).toBe(403);
  });

  it("changes role through CIS2 (changedrole) and replaces the session", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.multiRole, role: "555000000201" });
    const before = agent.cookie("localhost", "ncrs_session");
    const changed = await signIn(agent, stack.baseUrl, {
      user: USERS.multiRole,
      role: "555000000202",
      start: "/auth/change-role",
    });
    expect(changed.body).toContain("Northgate Medical Practice (test)");
    expect(agent.cookie("localhost", "ncrs_session")).not.toBe(before);
    const auth = (await fetch(`${stack.cis2.baseUrl}/sim/api/sessions`).then((r) => r.json())) as {
      selected_roleid: string;
    }[];
    expect(auth.some((s) => s.selected_roleid === "555000000202")).toBe(true);
  });

  it("a late request from a tab of the replaced session does not erase the newer session's cookie", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const old = agent.cookie("localhost", "ncrs_session") ?? "";
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const newer = agent.cookie("localhost", "ncrs_session");
    expect(newer).not.toBe(old);
    // An old tab's request that left with the earlier session's cookie, answered after the newer
    // sign-in (which ended it as replaced, or as signed in elsewhere under one session per user).
    const late = await new HttpAgent().get(`${stack.baseUrl}/home`, {
      cookie: `ncrs_session=${old}`,
    });
    expect(late.headers.getSetCookie().filter((c) => c.startsWith("ncrs_session="))).toEqual([]);
    // A session that ended any other way is still cleared from the browser.
    const ended = new HttpAgent();
    const home = await signIn(ended, stack.baseUrl, { user: USERS.singleRole });
    const loggedOut = ended.cookie("localhost", "ncrs_session") ?? "";
    await ended.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: csrfTokenIn(home.body) });
    const stale = await new HttpAgent().get(`${stack.baseUrl}/signed-out?reason=logout`, {
      cookie: `ncrs_session=${loggedOut}`,
    });
    expect(stale.headers.getSetCookie().some((c) => c.startsWith("ncrs_session=;"))).toBe(true);
  });

  it("offers a tab whose session was replaced 'Continue', even before the new session's cookie reaches it", async () => {
    // The replaced tab is told at once, which can be before the other tab's sign-in has set its
    // cookie: sending it to log in again would start a third sign-in and replace the second.
    const replaced = await new HttpAgent().get(`${stack.baseUrl}/signed-out?reason=replaced`);
    expect(replaced.body).toContain('data-testid="continue"');
    expect(replaced.body).not.toContain('data-testid="login"');
    const ended = await new HttpAgent().get(`${stack.baseUrl}/signed-out?reason=backchannel_logout`);
    expect(ended.body).toContain('data-testid="login"');
    expect(ended.body).not.toContain('data-testid="continue"');
  });

  it("keeps one session per user when configured: signing in elsewhere ends the first", async () => {
    const laptop = new HttpAgent();
    const ward = new HttpAgent();
    await signIn(laptop, stack.baseUrl, { user: USERS.singleRole });
    await signIn(ward, stack.baseUrl, { user: USERS.singleRole });
    const page = await laptop.follow(await laptop.get(`${stack.baseUrl}/home`));
    expect(page.url).toContain("signed_out=signed_in_elsewhere");
    expect((await ward.get(`${stack.baseUrl}/home`)).status).toBe(200);
  });

  it("shows the next user on a shared browser nothing of the previous one", async () => {
    const browser = new HttpAgent();
    const home = await signIn(browser, stack.baseUrl, { user: USERS.singleRole });
    await browser.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: csrfTokenIn(home.body) });
    const next = await signIn(browser, stack.baseUrl, {
      user: USERS.aal2Only,
      authenticator: "authenticator-app",
    });
    expect(next.body).toContain("Eve Marsh");
    expect(next.body).not.toContain("Amelia");
  });
});
