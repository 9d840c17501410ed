/**
 * "Open in NCRS" in Chromium, end to end against the CIS2 and NCRS simulators: the right patient in
 * one new tab, double clicks, JavaScript off, a blocked pop-up, patients who cannot be launched, a
 * session that ended before the click, a patient switched in another tab, another user on the same
 * browser, and NCRS being down.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logOutInBrowser, openPatientInBrowser, signInInBrowser } from "../support/browser.ts";
import { metricValue } from "../support/metrics.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({
      env: { LAUNCH_DUPLICATE_WINDOW_SECONDS: "3", LAUNCH_BUSY_SECONDS: "2", LAUNCH_NCRS_WAIT_SECONDS: "2" },
    }),
    launchBrowser(),
  ]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await fetch(`${stack.ncrs.origin}/_sim/scenario`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ scenario: null }),
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function newContext(options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  // A step that never completes fails by name, well before the test's own timeout.
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context;
}

async function signInOn(
  page: Page,
  user: string = USERS.singleRole,
  authenticator = /Security key/,
): Promise<void> {
  await signInInBrowser(page, stack.baseUrl, user, authenticator);
}

const openPatient = (page: Page, query: string, name: RegExp, verify = true) =>
  openPatientInBrowser(page, stack.baseUrl, query, name, verify);

async function launches(): Promise<{ nhsNumber: string; outcome: string; referer: string | null }[]> {
  return (await (await fetch(`${stack.ncrs.origin}/_sim/launches`)).json()) as {
    nhsNumber: string;
    outcome: string;
    referer: string | null;
  }[];
}

/** What page scripts have reported after clicks (`opened`, `popup_blocked`). */
async function setNcrsScenario(scenario: "slow" | "unavailable"): Promise<void> {
  await fetch(`${stack.ncrs.origin}/_sim/scenario`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ scenario }),
  });
}

function browserOutcomes(outcome: string): Promise<number> {
  return metricValue(stack.baseUrl, "ncrs_launch_browser_outcomes_total", { outcome });
}

async function clickLaunch(page: Page): Promise<Page> {
  const [popup] = await Promise.all([
    page.context().waitForEvent("page"),
    page.getByTestId("open-in-ncrs").click(),
  ]);
  // The form opens the tab in the click and loads the launch into it.
  await popup.waitForURL((url) => url.href !== "about:blank");
  await popup.waitForLoadState();
  return popup;
}

describe("Open in NCRS in Chromium", () => {
  it("opens NCRS on exactly this patient, through CIS2 single sign-on and NCRS's role confirmation", async () => {
    const page = await (await newContext()).newPage();
    await signInOn(page);
    await openPatient(page, "999 100 0054", /Select HARTLEY, Oscar/);
    const before = (await launches()).length;
    const ncrs = await clickLaunch(page);
    await ncrs.locator("#confirm-current-role").click();
    expect(await ncrs.getByTestId("ncrs-patient-nhs-number").textContent()).toBe("999 100 0054");
    const log = (await launches()).slice(before);
    expect(log).toHaveLength(1);
    expect(log[0]?.referer).toBeNull();
    // NCRS's tab stays in our browsing context group (so the next launch reuses it), but it is
    // cross-origin: it cannot read our page.
    expect(
      await ncrs.evaluate(() => {
        try {
          return (window.opener as Window).document.title;
        } catch {
          return "cross-origin";
        }
      }),
    ).toBe("cross-origin");
    // The page saw its new tab reach us and NCRS answer in it, and reports that.
    await expect.poll(() => browserOutcomes("ncrs_answered"), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId("popup-blocked").isHidden()).toBe(true);
    expect(page.url()).toMatch(/\/patient-context\//);
    expect(await page.getByTestId("banner-name").textContent()).toContain("HARTLEY");
  });

  it("opens one tab for a double click, with one launch", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signInOn(page);
    await openPatient(page, "O'Neill", /Select O'NEILL/);
    const before = (await launches()).length;
    const pagesBefore = context.pages().length;
    await page.getByTestId("open-in-ncrs").dblclick();
    // The panel says so at once, before NCRS's tab has loaded (on a busy machine it may load fast).
    expect(await page.getByTestId("launch-panel").textContent()).toContain("Launching NCRS");
    await page.waitForTimeout(1500);
    expect(context.pages().length).toBe(pagesBefore + 1);
    expect((await launches()).length).toBe(before + 1);
  });

  it("window sprawl: repeated launches reuse one NCRS tab, which shows each patient in turn", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signInOn(page);
    await openPatient(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    const ncrs = await clickLaunch(page);
    await ncrs.locator("#confirm-current-role").click();
    expect(await ncrs.getByTestId("ncrs-patient-nhs-number").textContent()).toBe("999 100 0054");
    await page.bringToFront();
    await openPatient(page, "O'Neill", /Select O'NEILL/);
    const tabs = context.pages().length;
    const before = (await launches()).length;
    await page.getByTestId("open-in-ncrs").click();
    await expect.poll(async () => (await launches()).length, { timeout: 10_000 }).toBe(before + 1);
    await expect
      .poll(
        () =>
          ncrs
            .getByTestId("ncrs-patient-nhs-number")
            .textContent()
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe("999 100 0046");
    expect(context.pages().length).toBe(tabs);
    // A reused tab's next page cannot be told from its last: the page says only that it reached us.
    await expect.poll(() => browserOutcomes("opened"), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it("works with JavaScript off", async () => {
    const context = await newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInOn(page);
    await openPatient(page, "Iqbal", /Select IQBAL/);
    const ncrs = await clickLaunch(page);
    await ncrs.waitForURL(new RegExp(stack.ncrs.origin.replace(/[.:/]/g, "\\$&")));
    expect((await launches()).at(-1)?.nhsNumber).toBe("9991000038");
    expect((await launches()).at(-1)?.referer).toBeNull();
  });

  it("tells the user how to allow pop-ups when NCRS's tab never reaches us, and reports it", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signInOn(page);
    await openPatient(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    // A blocked pop-up never loads, so its launch never reaches the server.
    await context.route(`${stack.baseUrl}/launch`, (route) => route.abort("blockedbyclient"));
    await page.getByTestId("open-in-ncrs").click();
    await page.getByTestId("popup-blocked").waitFor({ state: "visible", timeout: 15_000 });
    expect(await page.getByTestId("popup-blocked").textContent()).toContain("allow pop-ups");
    await expect.poll(() => browserOutcomes("popup_blocked"), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it.each([
    ["an unverified patient", "Nolan", /Select NOLAN/, "Verify the NHS number with PDS"],
    ["a patient with no NHS number", "Shah", /Select SHAH/, "no valid NHS number"],
  ])("cannot launch %s: the button is disabled with the reason", async (_name, query, name, reason) => {
    const page = await (await newContext()).newPage();
    await signInOn(page);
    await openPatient(page, query, name, false);
    expect(await page.getByTestId("open-in-ncrs").isDisabled()).toBe(true);
    expect(await page.getByTestId("launch-reason").textContent()).toContain(reason);
  });

  it.each([
    ["a superseded number until it is re-keyed", "999 100 0003", /Select HARTLEY, Amelia/, "replaced"],
    ["an invalidated number", "999 100 0011", /Select THOMPSON/, "does not recognise"],
  ])("cannot launch %s", async (_name, query, name, reason) => {
    const page = await (await newContext()).newPage();
    await signInOn(page);
    await openPatient(page, query, name, false);
    await page.getByTestId("check-with-pds").click();
    await page.getByRole("link", { name: "Back to the patient" }).click();
    expect(await page.getByTestId("open-in-ncrs").isDisabled()).toBe(true);
    expect(await page.getByTestId("launch-reason").textContent()).toContain(reason);
  });

  it.each([
    ["a restricted patient", "Price", /Select PRICE/, "9991000070", "Restricted record"],
    ["a deceased patient", "Whitfield", /Select WHITFIELD/, "9991000062", "Deceased"],
  ])("launches %s once verified, with the flag shown", async (_name, query, name, nhs, flag) => {
    const page = await (await newContext()).newPage();
    await signInOn(page);
    await openPatient(page, query, name);
    expect((await page.getByTestId("banner-flag").allTextContents()).join(" ")).toContain(flag);
    await clickLaunch(page);
    expect((await launches()).at(-1)?.nhsNumber).toBe(nhs);
  });

  it("asks a user whose session ended to sign in, then brings them back to this patient", async () => {
    // With JavaScript the page would already have emptied itself (session-end tests): without it,
    // the launch endpoint's own check is what refuses.
    const context = await newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInOn(page);
    await openPatient(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    const other = await context.newPage();
    await other.goto(`${stack.baseUrl}/home`);
    await logOutInBrowser(other, stack.baseUrl);
    await other.close();
    const tab = await clickLaunch(page);
    expect(await tab.getByTestId("error-code").textContent()).toBe("launch.no_session");
    await tab.getByRole("button", { name: "Log in again" }).click();
    await tab.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).check();
    await tab.getByLabel(/Security key/).check();
    await tab.getByRole("button", { name: "Continue" }).click();
    await tab.getByTestId("resume-patient").waitFor();
    expect(await tab.getByTestId("banner-name").textContent()).toContain("HARTLEY, Oscar");
  });

  it("refuses a launch from a page whose patient was switched in a duplicate of its tab", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signInOn(page);
    await openPatient(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    const tabId = await page.evaluate(() => sessionStorage.getItem("ncrs-tab-id"));
    const duplicate = await context.newPage();
    await duplicate.goto(`${stack.baseUrl}/patients?tab=${tabId}`);
    await duplicate.evaluate((id) => sessionStorage.setItem("ncrs-tab-id", id ?? ""), tabId);
    await openPatient(duplicate, "O'Neill", /Select O'NEILL/, false);
    const tab = await clickLaunch(page);
    expect(await tab.getByTestId("error-code").textContent()).toBe("launch.stale_context");
  });

  it("never lets the next user on the browser use the previous user's launch", async () => {
    const context = await newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInOn(page);
    await openPatient(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    const other = await context.newPage();
    await other.goto(`${stack.baseUrl}/home`);
    await logOutInBrowser(other, stack.baseUrl);
    await signInOn(other, USERS.aal2Only, /Authenticator app/);
    const tab = await clickLaunch(page);
    expect(await tab.getByTestId("error-code").textContent()).toBe("launch.no_session");
  });

  it("honest launch feedback: with NCRS slow, the button says so and not to click again, until NCRS answers", async () => {
    const page = await (await newContext()).newPage();
    await signInOn(page);
    await openPatient(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    await setNcrsScenario("slow");
    const before = await browserOutcomes("ncrs_not_answered");
    const tab = page.context().waitForEvent("page");
    await page.getByTestId("open-in-ncrs").click();
    const status = page.getByTestId("launch-panel").getByRole("status");
    expect(await status.textContent()).toBe("Launching NCRS…");
    await page.getByTestId("ncrs-slow").waitFor();
    expect(await status.textContent()).toBe("NCRS is taking longer than usual: don't click again.");
    expect(await page.getByTestId("open-in-ncrs").isDisabled()).toBe(true);
    await expect.poll(() => browserOutcomes("ncrs_not_answered"), { timeout: 10_000 }).toBe(before + 1);
    // NCRS answers in the end: the page says so, and the button is back for the next launch. The
    // slow NCRS is slow at every hop (launch, sign-in callback, role confirmation), so its first
    // page shows after three of them.
    await (await tab).locator("#confirm-current-role").waitFor({ timeout: 30_000 });
    await expect
      .poll(() => status.textContent(), { timeout: 10_000 })
      .toBe("NCRS has now answered in its tab.");
    expect(await page.getByTestId("ncrs-slow").isHidden()).toBe(true);
    expect(await page.getByTestId("open-in-ncrs").isEnabled()).toBe(true);
  }, 60_000);

  it("honest launch feedback: an NCRS that answers 'not available' is recorded as answered, never as opened", async () => {
    const page = await (await newContext()).newPage();
    await signInOn(page);
    await openPatient(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    await setNcrsScenario("unavailable");
    const [answered, opened] = [await browserOutcomes("ncrs_answered"), await browserOutcomes("opened")];
    const ncrs = await clickLaunch(page);
    expect(await ncrs.locator("h1").textContent()).toBe("Sorry, NCRS is not available");
    await expect.poll(() => browserOutcomes("ncrs_answered"), { timeout: 10_000 }).toBe(answered + 1);
    expect(await browserOutcomes("opened")).toBe(opened);
    expect(await page.getByTestId("ncrs-slow").isHidden()).toBe(true);
  });

  it("shows NCRS's own page when NCRS is down (our launch is recorded)", async () => {
    const page = await (await newContext()).newPage();
    await signInOn(page);
    await openPatient(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    await fetch(`${stack.ncrs.origin}/_sim/scenario`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scenario: "unavailable" }),
    });
    const ncrs = await clickLaunch(page);
    expect(await ncrs.locator("h1").textContent()).toBe("Sorry, NCRS is not available");
  });
});
