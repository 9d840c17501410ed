/**
 * Patient journeys in Chromium: search and confirm, a mismatch, a superseded number, a restricted
 * record, PDS down, switching patients quickly, and two tabs with two patients.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signedInPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await signInInBrowser(page, stack.baseUrl, USERS.singleRole);
  return page;
}

async function find(page: Page, query: string, name: RegExp): Promise<void> {
  await page.getByRole("link", { name: "Find a patient" }).first().click();
  await page.getByLabel(/Name, NHS number/).fill(query);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name }).click();
  await page.waitForURL(/\/patient-context\//);
}

describe("patients in Chromium", () => {
  it("finds a patient, checks with PDS and confirms", async () => {
    const page = await signedInPage();
    await find(page, "14/03/1984", /Select HARTLEY, Oscar/);
    expect(await page.getByTestId("banner-name").textContent()).toBe("HARTLEY, Oscar James (Mr)");
    expect(await page.getByTestId("banner-nhs-number").textContent()).toBe("999 100 0054");
    await page.getByTestId("check-with-pds").click();
    await page.getByTestId("confirm").click();
    await page.waitForURL(/done=verified/);
    expect(await page.getByTestId("banner-verification").textContent()).toBe("Verified with PDS");
  });

  it("NHS numbers in our URLs: a search by NHS number never reaches the address bar or the history", async () => {
    const page = await signedInPage();
    const visited: string[] = [];
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });
    await find(page, "999 100 0054", /Select HARTLEY, Oscar/);
    await page.goBack();
    await page.getByTestId("patient-results").waitFor();
    expect(visited.some((url) => url.includes("/patients?"))).toBe(true);
    for (const url of visited)
      expect(decodeURIComponent(url).replace(/[ +]/g, "")).not.toContain("9991000054");
    expect(await page.getByLabel(/Name, NHS number/).getAttribute("autocomplete")).toBe("off");
  });

  it("records a mismatch with the reason the user gives", async () => {
    const page = await signedInPage();
    await find(page, "Garton", /Select GARTON/);
    await page.getByTestId("check-with-pds").click();
    expect(await page.getByTestId("comparison-gender").getAttribute("data-comparison")).toBe("different");
    await page.getByLabel("What does not match?").fill("PDS says female");
    await page.getByTestId("mismatch").click();
    await page.waitForURL(/done=mismatch/);
    expect(await page.getByTestId("verification-detail").textContent()).toContain("PDS says female");
  });

  it("re-keys a superseded number", async () => {
    const page = await signedInPage();
    await find(page, "999 100 0003", /Select HARTLEY, Amelia/);
    await page.getByTestId("check-with-pds").click();
    await page.getByTestId("rekey").click();
    await page.waitForURL(/done=rekeyed/);
    expect(await page.getByTestId("banner-nhs-number").textContent()).toBe("999 100 0100");
  });

  it("shows a restricted record as restricted, never its location", async () => {
    const page = await signedInPage();
    await find(page, "Price", /Select PRICE/);
    await page.getByTestId("check-with-pds").click();
    await page.getByRole("link", { name: "Back to the patient" }).click();
    expect(await page.getByTestId("banner-flag").allTextContents()).toContain("Restricted record");
  });

  it("says when PDS is down and recovers on retry", async () => {
    const page = await signedInPage();
    await find(page, "O'Neill", /Select O'NEILL/);
    const setScenario = (scenario: string | null) =>
      fetch(`${stack.pds.origin}/_sim/scenario`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenario }),
      });
    await setScenario("server-error");
    try {
      await page.getByTestId("check-with-pds").click();
      await page.getByTestId("pds-error").waitFor();
      expect(await page.getByTestId("pds-error").textContent()).toContain("not responding");
    } finally {
      await setScenario(null);
    }
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByTestId("comparison").waitFor();
  });

  it("never lets an older page in the tab act after switching patients quickly", async () => {
    const page = await signedInPage();
    await find(page, "Hartley Oscar", /Select HARTLEY, Oscar/);
    const first = page.url();
    await find(page, "O'Neill", /Select O'NEILL/);
    await find(page, "Iqbal", /Select IQBAL/);
    await page.goBack();
    await page.goBack();
    await page.goto(first);
    expect(await page.getByTestId("context-warning").isVisible()).toBe(true);
    expect(await page.getByTestId("check-with-pds").count()).toBe(0);
  });

  it("keeps two tabs on two patients", async () => {
    const one = await signedInPage();
    const two = await one.context().newPage();
    await two.goto(`${stack.baseUrl}/home`);
    await find(one, "Hartley Oscar", /Select HARTLEY, Oscar/);
    await find(two, "O'Neill", /Select O'NEILL/);
    await one.reload();
    expect(await one.getByTestId("banner-name").textContent()).toContain("HARTLEY");
    expect(await one.getByTestId("context-warning").count()).toBe(0);
    expect(await two.getByTestId("banner-name").textContent()).toContain("O'NEILL");
  });
});
