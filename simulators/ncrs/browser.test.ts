/**
 * The launch journey in Debian's Chromium (driven by playwright-core): what a clinician sees,
 * that every page is accessible by axe-core's rules, and that no page reaches outside the machine
 * (the NHS.UK stylesheet is served without its web-font rules).
 */
import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimulatorPair, startSimulators } from "./test-support/journey.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let sims: SimulatorPair;
let browser: Browser;

beforeAll(async () => {
  [sims, browser] = await Promise.all([
    startSimulators(),
    chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await sims?.close();
});

/** axe-core violations on the current page, as "rule: target" lines. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations as { id: string; nodes: { target: string[] }[] }[];
  });
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

async function heading(page: Page): Promise<string | undefined> {
  return (await page.getByRole("heading", { level: 1 }).textContent())?.trim();
}

describe("the launch journey in Chromium", () => {
  it("signs in, confirms the role and shows the patient, accessibly and without outside requests", async () => {
    const context = await browser.newContext();
    const hosts = new Set<string>();
    context.on("request", (request) => hosts.add(new URL(request.url()).hostname));
    const page = await context.newPage();
    try {
      await page.goto(sims.launchUrl("9991000046"));
      await page.getByLabel(/\(555000000001\)/).check();
      await page.getByLabel(/Smartcard \(Identity Agent\)/).check();
      await page.getByRole("button", { name: "Continue" }).click();

      await page.waitForURL(/\/app\/landing/);
      expect(await heading(page)).toBe("Confirm your role");
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.locator("#confirm-current-role").click();

      await page.waitForURL(/\/app\/patient\//);
      expect(await heading(page)).toBe("Siobhan Mary O'Neill");
      expect(await page.getByTestId("ncrs-patient-nhs-number").textContent()).toBe("999 100 0046");
      expect(await page.title()).toContain("Siobhan Mary O'Neill (NHS number 999 100 0046)");
      expect(await accessibilityProblems(page)).toEqual([]);
      expect([...hosts]).toEqual(["localhost"]);
    } finally {
      await context.close();
    }
  });
});
