/**
 * The support pages in Chromium: an administrator finds a clinician's actions by NHS number,
 * follows a record to its journey's timeline and to the record itself, runs the patient access
 * report and gets a clear error for a mistyped number; every page passes axe (WCAG 2.2 A/AA).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let stack: Stack;
let browser: Browser;
let adminContext: BrowserContext;
let admin: Page;
let clinician: Page;

async function signedIn(context: BrowserContext, user: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(stack.baseUrl);
  await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
  await page.getByLabel(new RegExp(`\\(${user}\\)`)).check();
  await page.getByLabel(/Security key/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${stack.baseUrl}/home`);
  return page;
}

async function violations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    return (
      await axe.run({
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      })
    ).violations;
  })) as { id: string; nodes: { target: string[] }[] }[];
  return found.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  clinician = await signedIn(await browser.newContext(), USERS.singleRole);
  await clinician.getByRole("link", { name: "Find a patient" }).first().click();
  await clinician.getByLabel(/Name, NHS number/).fill("14/03/1984");
  await clinician.getByRole("button", { name: "Search" }).click();
  await clinician.getByRole("button", { name: /Select HARTLEY, Oscar/ }).click();
  await clinician.waitForURL(/\/patient-context\//);
  await clinician.getByTestId("check-with-pds").click();
  await clinician.getByTestId("confirm").click();
  await clinician.waitForURL(/done=verified/);
  // axe is injected into the page; the CSP (rightly) forbids that, so this context bypasses it.
  adminContext = await browser.newContext({ bypassCSP: true });
  admin = await signedIn(adminContext, USERS.admin);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("audit support pages in Chromium", () => {
  it("finds a patient's records from the navigation, and the page passes axe", async () => {
    await admin.getByRole("link", { name: "Audit trail" }).first().click();
    await admin.waitForURL(`${stack.baseUrl}/admin/audit`);
    expect(await violations(admin)).toEqual([]);
    await admin.getByLabel("Patient NHS number").fill("999 100 0054");
    await admin.getByTestId("audit-search").click();
    await admin.getByTestId("audit-records").waitFor();
    expect(admin.url()).toMatch(new RegExp(`^${stack.baseUrl}/admin/audit\\?search=`));
    expect(admin.url()).not.toMatch(/999.?100.?0054/);
    const outcomes = await admin.getByTestId("audit-outcome").allTextContents();
    expect(outcomes).toEqual(expect.arrayContaining(["selected", "verified"]));
    expect(await admin.getByTestId("audit-records").textContent()).toContain("999 100 0054");
    expect(await violations(admin)).toEqual([]);
  });

  it("follows a record to its journey's timeline and to the record itself", async () => {
    await admin
      .getByRole("link", { name: /^Timeline/ })
      .first()
      .click();
    await admin.waitForURL(/\/admin\/audit\/timeline\//);
    expect(await admin.getByTestId("audit-timeline-item").count()).toBeGreaterThan(0);
    expect(await violations(admin)).toEqual([]);
    await admin
      .getByRole("link", { name: /^record \d+/ })
      .first()
      .click();
    await admin.waitForURL(/\/admin\/audit\/records\/\d+/);
    expect(await admin.getByTestId("audit-record-details").textContent()).toContain(
      "Follows from the record before it",
    );
    expect(await violations(admin)).toEqual([]);
  });

  it("comes back from an audit record to the results, with no form to resubmit", async () => {
    await admin.goto(`${stack.baseUrl}/admin/audit`);
    await admin.getByLabel("Patient NHS number").fill("999 100 0054");
    await admin.getByTestId("audit-search").click();
    await admin.getByTestId("audit-records").waitFor();
    const results = admin.url();
    await admin
      .getByRole("link", { name: /^Record \d+/ })
      .first()
      .click();
    await admin.waitForURL(/\/admin\/audit\/records\/\d+/);
    await admin.goBack();
    expect(admin.url()).toBe(results);
    expect(await admin.getByTestId("audit-records").textContent()).toContain("999 100 0054");
  });

  it("runs the patient access report, and explains a mistyped NHS number", async () => {
    await admin.goto(`${stack.baseUrl}/admin/audit/patient`);
    await admin.getByLabel("Patient NHS number").fill("999 100 0055");
    await admin.getByTestId("audit-patient-search").click();
    expect(await admin.locator(".nhsuk-error-summary").textContent()).toContain("NHS number");
    expect(await violations(admin)).toEqual([]);
    await admin.getByLabel("Patient NHS number").fill("9991000054");
    await admin.getByTestId("audit-patient-search").click();
    expect(await admin.getByTestId("audit-access-summary").textContent()).toContain(USERS.singleRole);
    expect(await violations(admin)).toEqual([]);
  });

  it("shows launches by outcome from the navigation, each count leading to its records, and passes axe", async () => {
    // A launch id nobody issued: refused, and audited as such.
    const refused = await clinician.context().request.post(`${stack.baseUrl}/launch`, {
      form: { launch_id: "AAAAAAAAAAAAAAAAAAAAAAAA" },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(404);
    await admin.getByRole("link", { name: "Launches" }).first().click();
    await admin.waitForURL(`${stack.baseUrl}/admin/launches`);
    expect(await admin.getByTestId("refused").textContent()).toBe("1");
    expect(await admin.getByTestId("reason").textContent()).toContain("blocked.unknown_launch");
    await admin.screenshot({ path: "test-results/launch-overview.png", fullPage: true });
    expect(await violations(admin)).toEqual([]);
    await admin.getByRole("link", { name: "Last 7 days" }).click();
    await admin.waitForURL(/period=7d/);
    await admin.getByTestId("reason").getByRole("link").click();
    await admin.waitForURL(/\/admin\/audit\?/);
    expect(await admin.getByTestId("audit-outcome").allTextContents()).toEqual(["blocked.unknown_launch"]);
  });
});
