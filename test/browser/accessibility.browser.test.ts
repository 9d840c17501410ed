/**
 * Every page so far, checked with axe-core (WCAG 2.2 A and AA rules) in Chromium, signed out and
 * signed in, plus keyboard basics: the skip link is the first thing Tab reaches.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let stack: Stack;
let browser: Browser;
let page: Page;

interface AxeViolation {
  id: string;
  impact: string;
  nodes: { target: string[] }[];
}

async function violations(path: string): Promise<string[]> {
  await page.goto(`${stack.baseUrl}${path}`);
  await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations;
  })) as AxeViolation[];
  return found.map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  // axe is injected into the page; the CSP (rightly) forbids that, so this context bypasses it.
  page = await (await browser.newContext({ bypassCSP: true })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("accessibility", () => {
  it.each([
    "/",
    "/?signed_out=idle_timeout",
    "/help/smartcard",
    "/status",
    "/signed-out?reason=backchannel_logout",
    "/no-such-page",
    "/auth/callback?state=x&code=y",
  ])("%s has no WCAG A/AA violations", async (path) => {
    expect(await violations(path)).toEqual([]);
  });

  it("signed-in pages have no WCAG A/AA violations", async () => {
    await page.goto(stack.baseUrl);
    await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
    await page.getByLabel(new RegExp(`\\(${USERS.admin}\\)`)).check();
    await page.getByLabel(/Security key/).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${stack.baseUrl}/home`);
    for (const path of [
      "/home",
      "/admin/workstations",
      "/help/clinical-safety",
      "/help/clinical-safety/hazard-log",
    ])
      expect(await violations(path)).toEqual([]);
  });

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
