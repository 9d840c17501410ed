/**
 * The sign-in journeys in Chromium, as a clinician does them: every authenticator kind, choosing
 * among several roles, changing role, logging out, the idle warning, a smartcard removed at CIS2,
 * two tabs signing in at once, and the next user on a shared browser.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logOutInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({
      env: {
        SESSION_SHARED_IDLE_SECONDS: "40",
        SESSION_IDLE_WARNING_SECONDS: "38",
        SESSION_TOUCH_INTERVAL_SECONDS: "1",
      },
    }),
    launchBrowser(),
  ]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** Picks the user and authenticator on the CIS2 simulator's page (and a role when asked). */
async function chooseAtCis2(page: Page, user: string, authenticator: RegExp, roleId?: string): Promise<void> {
  await page.getByLabel(new RegExp(`\\(${user}\\)`)).check();
  await page.getByLabel(authenticator).check();
  await page.getByRole("button", { name: "Continue" }).click();
  if (roleId) {
    await page.locator(`input[name="role"][value="${roleId}"]`).check();
    await page.getByRole("button", { name: "Continue" }).click();
  }
}

async function signInAs(
  page: Page,
  user: string,
  authenticator = /Smartcard \(Identity Agent\)/,
  roleId?: string,
): Promise<void> {
  await page.goto(stack.baseUrl);
  await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
  await chooseAtCis2(page, user, authenticator, roleId);
  await page.waitForURL(`${stack.baseUrl}/home`);
}

describe("signing in in Chromium", () => {
  it.each([
    [/Smartcard \(Identity Agent\)/, "smartcard identity agent"],
    [/Smartcard \(NHS Smartcard Connect\)/, "smartcard connect"],
    [/Security key/, "security key"],
    [/Windows Hello/, "windows hello"],
    [/iPad app/, "ipad app"],
    [/Authenticator app/, "authenticator app"],
    [/NHSmail/, "nhsmail"],
    [/Passkey/, "passkey"],
  ])("signs in with %s and shows who, in which role and where", async (authenticator, shown) => {
    const page = await newPage();
    await signInAs(page, USERS.singleRole, authenticator);
    await expect.poll(() => page.getByTestId("account-name").textContent()).toBe("Amelia Hart");
    expect(await page.getByTestId("account-role").textContent()).toContain(
      "Clinical Practitioner Access Role",
    );
    expect((await page.locator("main").textContent())?.toLowerCase()).toContain(shown);
  });

  it("lets a clinician with several roles pick one at CIS2, then change role", async () => {
    const page = await newPage();
    await signInAs(page, USERS.multiRole, /Smartcard \(NHS Smartcard Connect\)/, "555000000201");
    expect(await page.getByTestId("account-role").textContent()).toContain("Riverside");
    await page.getByRole("link", { name: "Change role" }).click();
    await chooseAtCis2(page, USERS.multiRole, /Smartcard \(NHS Smartcard Connect\)/, "555000000202");
    await page.waitForURL(`${stack.baseUrl}/home?role_changed=1`);
    expect(await page.getByTestId("role-changed").textContent()).toContain("Northgate");
    expect(await page.getByTestId("account-role").textContent()).toContain("Northgate");
  });

  it("offers search when a user has many roles", async () => {
    const page = await newPage();
    await page.goto(stack.baseUrl);
    await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
    await page.getByLabel(new RegExp(`\\(${USERS.manyRoles}\\)`)).check();
    await page.getByLabel(/Security key/).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Search roles by role or organisation").fill("Northgate");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("radio").first().check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${stack.baseUrl}/home`);
    expect(await page.getByTestId("account-role").textContent()).toContain("Northgate");
  });

  it("logs out, and the back button shows nothing of the user", async () => {
    const page = await newPage();
    await signInAs(page, USERS.singleRole);
    await logOutInBrowser(page, stack.baseUrl);
    expect(await page.getByTestId("signed-out-banner").textContent()).toContain("You have logged out");
    await page.goBack();
    await page.waitForLoadState();
    expect(await page.content()).not.toContain("Amelia Hart");
  });

  it("warns before the idle timeout and keeps the session when asked", async () => {
    const page = await newPage();
    await signInAs(page, USERS.singleRole);
    const dialog = page.getByRole("dialog", { name: "You will be signed out soon" });
    await dialog.waitFor({ state: "visible", timeout: 10_000 });
    await dialog.getByRole("button", { name: "Stay signed in" }).click();
    await dialog.waitFor({ state: "hidden" });
    const status = await page.evaluate(() =>
      fetch("/session/status").then((r) => r.json() as Promise<{ signedIn: boolean }>),
    );
    expect(status.signedIn).toBe(true);
  });

  it("ends the session in the open tab when the smartcard is removed at CIS2", async () => {
    const page = await newPage();
    // A user no other test here signs in as, so theirs is the only CIS2 session on the control page.
    await signInAs(page, USERS.admin);
    const cis2 = await page.context().newPage();
    await cis2.goto(`${stack.cis2.baseUrl}/sim/`);
    await cis2
      .getByRole("button", { name: /Remove smartcard \/ end CIS2 session for .*Chidi Nwosu/ })
      .click();
    await cis2.waitForLoadState();
    // The open tab is told at once, and says why.
    await page.waitForURL(/\/signed-out\?reason=backchannel_logout/);
    expect(await page.getByTestId("signed-out-reason").textContent()).toContain("smartcard was removed");
    // Even a page anyone may see sends a tab whose session has ended to the start page, saying why.
    await page.goto(`${stack.baseUrl}/help/smartcard`);
    expect(await page.content()).not.toContain("Chidi Nwosu");
  });

  it("signs in from two tabs at once", async () => {
    const first = await newPage();
    const second = await first.context().newPage();
    for (const tab of [first, second]) {
      await tab.goto(stack.baseUrl);
      await tab.getByRole("button", { name: "Log in with my Care Identity" }).click();
      await tab.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).waitFor();
    }
    await chooseAtCis2(second, USERS.singleRole, /Security key/);
    await second.waitForURL(`${stack.baseUrl}/home`);
    await chooseAtCis2(first, USERS.singleRole, /Security key/);
    await first.waitForURL(`${stack.baseUrl}/home`);
    // The later sign-in replaces the earlier session, so the earlier tab says so and goes on with it.
    await second.waitForURL(/\/signed-out\?reason=replaced/);
    await second.getByTestId("continue").click();
    await second.waitForURL(`${stack.baseUrl}/home`);
    expect(await second.getByTestId("account-name").textContent()).toBe("Amelia Hart");
    // The replaced tab told this browser's tabs of its end; the newer session's tab stays put.
    expect(first.url()).toBe(`${stack.baseUrl}/home`);
    expect(await first.getByTestId("account-name").textContent()).toBe("Amelia Hart");
  }, 60_000);

  it("shows a second user on the same browser nothing of the first", async () => {
    const page = await newPage();
    await signInAs(page, USERS.singleRole);
    await logOutInBrowser(page, stack.baseUrl);
    await signInAs(page, USERS.aal2Only, /Authenticator app/);
    expect(await page.getByTestId("account-name").textContent()).toBe("Eve Marsh");
    expect(await page.content()).not.toContain("Amelia");
  });
});
