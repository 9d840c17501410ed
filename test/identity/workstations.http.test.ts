/**
 * Registered workstations: an administrator registers this browser with a profile that sets the
 * session timeouts; others cannot; revoking a workstation ends its sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    dialect: "postgres",
    env: { SESSION_SHARED_IDLE_SECONDS: "900", SESSION_PERSONAL_IDLE_SECONDS: "1800" },
  });
});
afterAll(async () => stack.close());

async function idleSecondsLeft(agent: HttpAgent): Promise<number> {
  const status = JSON.parse(
    (await agent.get(`${stack.baseUrl}/session/status`, { accept: "application/json" })).body,
  );
  return Math.round((Date.parse(status.idleExpiresAt) - Date.now()) / 1000);
}

async function register(agent: HttpAgent, name: string, profile: string) {
  const page = await agent.get(`${stack.baseUrl}/admin/workstations`);
  return agent.postForm(`${stack.baseUrl}/admin/workstations`, {
    _csrf: csrfTokenIn(page.body),
    name,
    profile,
  });
}

describe("workstations", () => {
  it("registers this browser as a personal device, which then gets the personal timeouts", async () => {
    const browser = new HttpAgent();
    await signIn(browser, stack.baseUrl, { user: USERS.admin });
    expect(await idleSecondsLeft(browser)).toBeLessThanOrEqual(900);
    const registered = await register(browser, "Clinic room 3 laptop", "personal");
    expect(registered.status).toBe(303);
    const list = await browser.follow(registered);
    expect(list.body).toContain("This browser is now registered as Clinic room 3 laptop");
    expect(list.body).toContain("Clinic room 3 laptop (Personal device)");

    await signIn(browser, stack.baseUrl, { user: USERS.singleRole });
    expect(await idleSecondsLeft(browser)).toBeGreaterThan(900);
  });

  it("refuses a name that is empty or too long, and an unknown profile", async () => {
    const browser = new HttpAgent();
    await signIn(browser, stack.baseUrl, { user: USERS.admin });
    for (const [name, profile] of [
      ["", "shared"],
      ["x".repeat(81), "shared"],
      ["Desk", "kiosk"],
    ] as const) {
      const response = await register(browser, name, profile);
      expect(response.status).toBe(400);
      expect(response.body).toContain("workstation.invalid");
    }
  });

  it("lets only administrators manage workstations", async () => {
    const clinician = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    const page = await clinician.get(`${stack.baseUrl}/admin/workstations`);
    expect(page.status).toBe(403);
    expect(page.body).toContain("session.forbidden");
  });

  it("ends the sessions of a revoked workstation", async () => {
    const desk = new HttpAgent();
    await signIn(desk, stack.baseUrl, { user: USERS.admin });
    const list = await desk.follow(await register(desk, "Ward 9 desk", "shared"));
    const id = list.body.match(/action="\/admin\/workstations\/([0-9a-f-]+)\/revoke"/)?.[1];
    const clinician = new HttpAgent();
    clinician.setCookie("localhost", "ncrs_device", desk.cookie("localhost", "ncrs_device") ?? "");
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    const revoked = await desk.postForm(`${stack.baseUrl}/admin/workstations/${id}/revoke`, {
      _csrf: csrfTokenIn(list.body),
    });
    expect(revoked.status).toBe(303);
    const after = await clinician.get(`${stack.baseUrl}/home`);
    expect(after.location).toContain("signed_out=workstation_revoked");
  });

  it("answers 400 for a revoke of something that is not a workstation id", async () => {
    const admin = new HttpAgent();
    const home = await signIn(admin, stack.baseUrl, { user: USERS.admin });
    const response = await admin.postForm(`${stack.baseUrl}/admin/workstations/not-a-uuid/revoke`, {
      _csrf: csrfTokenIn(home.body),
    });
    expect(response.status).toBe(400);
  });
});
