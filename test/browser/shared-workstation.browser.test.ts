/**
 * A shared ward workstation in Chromium: one clinician logs out and the next signs in on the same
 * browser, with the NCRS tab the first one used still open. Log-out goes through CIS2's end-session
 * endpoint, CIS2 tells NCRS over back-channel logout, and so the next user's launch signs in to
 * NCRS as themselves and shows their patient under their own name, never the previous user's.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logOutInBrowser, openPatientInBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  context = await browser.newContext();
  context.setDefaultTimeout(15_000);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** NCRS's header names who NCRS thinks is signed in. */
const ncrsUser = (tab: Page) => tab.getByRole("banner").textContent();

/** Confirms the role at NCRS's landing page, which NCRS shows once per NCRS sign-in. */
async function confirmRoleAtNcrs(tab: Page): Promise<void> {
  await tab.locator("#confirm-current-role").click();
  await tab.getByTestId("ncrs-patient-nhs-number").waitFor();
}

describe("a shared workstation", () => {
  it("the next user launches into the previous user's NCRS: after A logs out, B's launch signs in to NCRS as B and shows B's patient under B's name", async () => {
    const page = await context.newPage();
    await signInInBrowser(page, stack.baseUrl, USERS.singleRole);
    await openPatientInBrowser(page, stack.baseUrl, "Hartley Oscar", /Select HARTLEY, Oscar/);
    const [ncrs] = await Promise.all([
      context.waitForEvent("page"),
      page.getByTestId("open-in-ncrs").click(),
    ]);
    await confirmRoleAtNcrs(ncrs);
    expect(await ncrsUser(ncrs)).toContain("Amelia Hart");

    await page.bringToFront();
    await logOutInBrowser(page, stack.baseUrl);
    // CIS2's session is gone, so NCRS's (told over back-channel logout) is gone too.
    const cis2Sessions = (await (await fetch(`${stack.cis2.baseUrl}/sim/api/sessions`)).json()) as {
      sub: string;
    }[];
    expect(cis2Sessions.filter((s) => s.sub === USERS.singleRole)).toEqual([]);

    await signInInBrowser(page, stack.baseUrl, USERS.aal2Only, /Authenticator app/);
    await openPatientInBrowser(page, stack.baseUrl, "O'Neill", /Select O'NEILL/);
    // A new tab: the round trips through CIS2 moved this tab into a new browsing context group, so
    // the NCRS tab A used can no longer be found by its name (ADR 10).
    const [next] = await Promise.all([
      context.waitForEvent("page"),
      page.getByTestId("open-in-ncrs").click(),
    ]);
    // NCRS signed B in afresh, and asks B to confirm B's own role.
    await next.locator("#confirm-current-role").waitFor();
    expect(await ncrsUser(next)).toContain("Eve Marsh");
    expect(await ncrsUser(next)).not.toContain("Amelia Hart");
    await confirmRoleAtNcrs(next);
    expect(await next.getByTestId("ncrs-patient-nhs-number").textContent()).toBe("999 100 0046");
    expect(await next.content()).not.toContain("Amelia Hart");
    // A's NCRS tab shows nothing more of A's patient: NCRS's session for A ended with CIS2's.
    await ncrs.reload();
    expect(await ncrs.content()).not.toContain("999 100 0054");
    expect(await ncrs.content()).not.toContain("Amelia Hart");
  }, 90_000);
});
