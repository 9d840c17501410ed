/**
 * A patient stays on screen after the session ends, no more: for each way a session ends, two tabs
 * of one browser open on patients are emptied within about a second, each says the right reason,
 * and Back shows nothing of the patient.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logOutInBrowser, openPatientInBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

/** Time allowed for a tab to be emptied: the bound is about a second, the rest is a busy machine. */
const EMPTIED_WITHIN_MS = 5000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

async function twoTabsOnPatients(
  stack: Stack,
  user: string,
  authenticator = /Security key/,
): Promise<{ context: BrowserContext; tabs: Page[] }> {
  const context = await browser.newContext();
  const first = await context.newPage();
  await signInInBrowser(first, stack.baseUrl, user, authenticator);
  await openPatientInBrowser(first, stack.baseUrl, "Hartley Oscar", /Select HARTLEY, Oscar/, false);
  const second = await context.newPage();
  await openPatientInBrowser(second, stack.baseUrl, "O'Neill", /Select O'NEILL/, false);
  for (const tab of [first, second]) expect(await tab.getByTestId("banner-name").count()).toBe(1);
  return { context, tabs: [first, second] };
}

/** Time allowed for a time-out: the session's own limit, then the bound. */
const TIMED_OUT_WITHIN_MS = 20_000;

/** The tab is on the signed-out page saying `reason`, and neither it nor Back shows the patient. */
async function emptied(
  tab: Page,
  heading: RegExp,
  reason: RegExp,
  patient: RegExp,
  within = EMPTIED_WITHIN_MS,
): Promise<void> {
  await tab.waitForURL(/\/signed-out\?/, { timeout: within });
  expect(await tab.getByTestId("signed-out-heading").textContent()).toMatch(heading);
  expect(await tab.getByTestId("signed-out-reason").textContent()).toMatch(reason);
  expect(await tab.content()).not.toMatch(patient);
  await tab.goBack();
  await tab.waitForLoadState();
  expect(await tab.content()).not.toMatch(patient);
}

describe("the session's end reaches every open page", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.close());

  it("a patient stays on screen after the session ends: logging out in one tab empties the other, which says it was logged out elsewhere", async () => {
    const { context, tabs } = await twoTabsOnPatients(stack, USERS.singleRole);
    const [first, second] = tabs as [Page, Page];
    await logOutInBrowser(first, stack.baseUrl);
    await emptied(second, /You have been signed out/, /another tab or window/, /O'NEILL|HARTLEY/);
    await context.close();
  });

  it("a patient stays on screen after the session ends: removing the smartcard at CIS2 empties both tabs, naming the smartcard", async () => {
    // A user no other test here signs in as, so theirs is the only CIS2 session on the control page.
    const { context, tabs } = await twoTabsOnPatients(stack, USERS.aal2Only, /Authenticator app/);
    const cis2 = await context.newPage();
    await cis2.goto(`${stack.cis2.baseUrl}/sim/`);
    await cis2.getByRole("button", { name: /Remove smartcard \/ end CIS2 session for .*Eve Marsh/ }).click();
    for (const tab of tabs) {
      await emptied(tab, /You have been signed out/, /smartcard was removed/, /O'NEILL|HARTLEY/);
    }
    await context.close();
  });

  it("a patient stays on screen after the session ends: changing role in one tab closes the other's page, which says why and offers to continue", async () => {
    const { context, tabs } = await twoTabsOnPatients(stack, USERS.singleRole);
    const [first, second] = tabs as [Page, Page];
    await second.getByRole("link", { name: "Change role" }).click();
    await second.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).check();
    await second.getByLabel(/Security key/).check();
    await second.getByRole("button", { name: "Continue" }).click();
    await second.waitForURL(/\/home\?role_changed=1$/);
    await emptied(first, /earlier sign-in/, /changed role/, /HARTLEY/);
    await context.close();
  });
});

describe("time-outs reach every open page", () => {
  for (const [name, env, heading, reason] of [
    [
      "the idle time-out",
      {
        SESSION_SHARED_IDLE_SECONDS: "8",
        SESSION_IDLE_WARNING_SECONDS: "2",
        SESSION_TOUCH_INTERVAL_SECONDS: "1",
      },
      /inactive/,
      /period without activity/,
    ],
    [
      "the absolute time limit",
      { SESSION_SHARED_ABSOLUTE_SECONDS: "14", SESSION_TOUCH_INTERVAL_SECONDS: "1" },
      /time limit/,
      /however active you are/,
    ],
  ] as const) {
    describe(name, () => {
      let stack: Stack;
      beforeAll(async () => {
        stack = await startStack({ env });
      });
      afterAll(async () => stack?.close());

      it(`a patient stays on screen after the session ends: ${name} empties both tabs, with its own reason`, async () => {
        const { context, tabs } = await twoTabsOnPatients(stack, USERS.singleRole);
        for (const tab of tabs) await emptied(tab, heading, reason, /O'NEILL|HARTLEY/, TIMED_OUT_WITHIN_MS);
        await context.close();
      }, 60_000);
    });
  }
});
