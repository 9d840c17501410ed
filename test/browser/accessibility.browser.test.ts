/**
 * Every page so far, checked with axe-core in Chromium at desktop width and at a phone's (390×844),
 * signed out and signed in, a patient's pages included (the context page, and the PDS check in its
 * compared state): the WCAG 2.2 A and AA rules and axe's best practices (landmarks, one h1, heading
 * order, table headers with text). Plus keyboard basics: the skip link is the first thing Tab reaches.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPatientInBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "mobile", width: 390, height: 844 },
] as const;

let stack: Stack;
let browser: Browser;

interface AxeViolation {
  id: string;
  impact: string;
  nodes: { target: string[] }[];
}

/** axe's findings on the page as it is now, one line each (rule, impact, where). */
async function violationsHere(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(async (tags) => {
    const axe = (
      globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run({ runOnly: { type: "tag", values: tags } });
    return result.violations;
  }, AXE_TAGS)) as AxeViolation[];
  return found.map(
    (v) => `${page.url()}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}

async function violations(page: Page, path: string): Promise<string[]> {
  await page.goto(`${stack.baseUrl}${path}`);
  return violationsHere(page);
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe.each(VIEWPORTS)("accessibility at $name width ($width px)", (viewport) => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // axe is injected into the page; the CSP (rightly) forbids that, so these contexts bypass it.
    context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: viewport.width, height: viewport.height },
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
  });

  it.each([
    "/",
    "/?signed_out=idle_timeout",
    "/help/smartcard",
    "/help/ncrs-readiness",
    "/help/self-check",
    "/developers/api",
    "/developers/integrating",
    "/developers/embedding",
    "/status",
    "/signed-out?reason=backchannel_logout",
    "/no-such-page",
    "/auth/callback?state=x&code=y",
  ])("%s has no axe violations", async (path) => {
    expect(await violations(page, path)).toEqual([]);
  });

  it("signed-in admin pages have no axe violations", async () => {
    const admin = await browser.newContext({
      bypassCSP: true,
      viewport: { width: viewport.width, height: viewport.height },
    });
    try {
      const adminPage = await admin.newPage();
      await signInInBrowser(adminPage, stack.baseUrl, USERS.admin);
      const found: string[] = [];
      for (const path of [
        "/home",
        "/admin/workstations",
        "/admin/audit",
        "/admin/launches",
        "/admin/events",
        "/help/clinical-safety",
        "/help/clinical-safety/hazard-log",
      ])
        found.push(...(await violations(adminPage, path)));
      expect(found).toEqual([]);
    } finally {
      await admin.close();
    }
  }, 120_000);

  it("a clinician's pages have no axe violations: search results, the patient, the PDS comparison", async () => {
    const clinician = await browser.newContext({
      bypassCSP: true,
      viewport: { width: viewport.width, height: viewport.height },
    });
    try {
      const p = await clinician.newPage();
      await signInInBrowser(p, stack.baseUrl, USERS.singleRole);
      const found: string[] = [];
      found.push(...(await violations(p, "/home")));
      found.push(...(await violations(p, "/patients")));
      await p.getByLabel(/Name, NHS number/).fill("Garton");
      await p.getByRole("button", { name: "Search" }).click();
      await p.getByTestId("patient-results").waitFor();
      found.push(...(await violationsHere(p)));
      await p.getByRole("button", { name: /Select GARTON/ }).click();
      await p.waitForURL(/\/patient-context\//);
      found.push(...(await violationsHere(p)));
      await p.getByTestId("check-with-pds").click();
      await p.getByTestId("comparison").waitFor();
      expect(await p.getByTestId("comparison-gender").getAttribute("data-comparison")).toBe("different");
      found.push(...(await violationsHere(p)));
      // A patient verified with PDS: the page with "Open in NCRS" on the banner.
      await openPatientInBrowser(p, stack.baseUrl, "14/03/1984", /Select HARTLEY, Oscar/);
      await p.getByTestId("banner-verification").filter({ hasText: "Verified with PDS" }).waitFor();
      found.push(...(await violationsHere(p)));
      // The callouts the page script shows after a click: the blocked tab, and a slow NCRS.
      await p.evaluate(() => {
        for (const id of ["popup-blocked", "ncrs-slow"])
          (document.getElementById(id) as HTMLElement).hidden = false;
      });
      found.push(...(await violationsHere(p)));
      // A number PDS says was superseded, before it is re-keyed.
      await openPatientInBrowser(p, stack.baseUrl, "999 100 0003", /Select HARTLEY, Amelia/, false);
      await p.getByTestId("check-with-pds").click();
      await p.waitForLoadState();
      expect(await p.content()).toContain("replaced");
      found.push(...(await violationsHere(p)));
      expect(found).toEqual([]);
    } finally {
      await clinician.close();
    }
  }, 120_000);

  it("puts the skip link first in the tab order, and it moves focus to the main content", async () => {
    await page.goto(`${stack.baseUrl}/help/smartcard`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      "Skip to main content",
    );
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("maincontent");
  });
});
