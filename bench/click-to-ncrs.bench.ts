/**
 * `click-to-ncrs`: in Chromium, from the click on "Open in NCRS" to the NCRS simulator showing the
 * patient, against opening the simulator's deep link directly from a page, in the same browser
 * (NCRS sign-in and role confirmation done once beforehand for both). The service runs in a process
 * of its own, as in the load benchmarks, so it never shares an event loop with the browser driver
 * or NCRS. Median of several launches; value and baseline in milliseconds; target ratio ≤ 1.2.
 *
 * Each launch goes into a new tab (the first launch of a session, whatever NCRS_TAB_REUSE says).
 * With tab reuse on (the default; NCRS_TAB_REUSE=false in the environment measures it off), the
 * extra figures time a launch into the NCRS tab already open, against a link into a named tab that
 * is already open: `reusedMs`, `reusedBaselineMs`, `reusedRatio`.
 */

import type { BrowserContext, Page } from "playwright-core";
import type { NcrsSimulator } from "../simulators/ncrs/server.ts";
import { launchBrowser, signInInBrowser } from "../test/support/browser.ts";
import { USERS } from "../test/support/sign-in.ts";
import { startProduct } from "./lib/product.ts";
import { type BenchResult, result } from "./lib/result.ts";

const ROUNDS = 15;
const REUSE = process.env["NCRS_TAB_REUSE"] !== "false";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function clickToNcrs(): Promise<BenchResult> {
  const [product, browser] = await Promise.all([
    startProduct(
      {
        LAUNCH_DUPLICATE_WINDOW_SECONDS: "0",
        LAUNCH_BUSY_SECONDS: "1",
        NCRS_TAB_REUSE: REUSE ? "true" : "false",
      },
      { ncrs: true },
    ),
    launchBrowser(),
  ]);
  const ncrs = product.ncrs as NcrsSimulator;
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, product.baseUrl, USERS.singleRole);
    await page.goto(`${product.baseUrl}/patients`);
    await page.getByLabel(/Name, NHS number/).fill("999 100 0054");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("button", { name: /Select HARTLEY, Oscar/ }).click();
    await page.getByTestId("check-with-pds").click();
    await page.getByTestId("confirm").click();
    await page.waitForURL(/done=/);

    const clickOpen = async () => {
      await page.getByTestId("open-in-ncrs").waitFor({ state: "visible" });
      await page.waitForFunction(
        () => !(document.querySelector("[data-testid=open-in-ncrs]") as HTMLButtonElement).disabled,
      );
      const started = Date.now();
      const [tab] = await Promise.all([
        context.waitForEvent("page"),
        page.getByTestId("open-in-ncrs").click(),
      ]);
      return { started, tab };
    };
    // The first launch meets NCRS's role confirmation (once per NCRS session, as a clinician would).
    const warmUp = async () => {
      const { tab } = await clickOpen();
      const landing = tab.locator("#confirm-current-role");
      const shown = tab.getByTestId("ncrs-patient-nhs-number");
      await Promise.race([landing.waitFor(), shown.waitFor()]);
      if (await landing.isVisible()) await landing.click();
      await shown.waitFor();
      await tab.close();
    };
    // Measured exactly as the baseline is: from the click until the patient is shown.
    const viaUs = async (): Promise<number> => {
      const { started, tab } = await clickOpen();
      await tab.getByTestId("ncrs-patient-nhs-number").waitFor();
      const elapsed = Date.now() - started;
      await tab.close();
      return elapsed;
    };
    const deepLink = ncrs.launchTemplate.replace("{nhsNumber}", "9991000054");
    // The baseline is clicked the same way (a real click, with Playwright's checks before it) on a
    // plain link to the deep link, so only what lies between the click and NCRS differs.
    await page.evaluate((url) => {
      const link = document.createElement("a");
      link.href = url;
      link.target = "_blank";
      link.textContent = "Deep link";
      link.dataset["testid"] = "direct-deep-link";
      document.body.prepend(link);
    }, deepLink);
    const direct = async (): Promise<number> => {
      const started = Date.now();
      const [tab] = await Promise.all([
        context.waitForEvent("page"),
        page.getByTestId("direct-deep-link").click(),
      ]);
      await tab.getByTestId("ncrs-patient-nhs-number").waitFor();
      const elapsed = Date.now() - started;
      await tab.close();
      return elapsed;
    };
    await warmUp();
    const ours: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(await viaUs());
      baseline.push(await direct());
    }
    const extra: Record<string, number | string> = { rounds: ROUNDS, tabReuse: REUSE ? "on" : "off" };
    if (REUSE) Object.assign(extra, await reusedTab(page, context, deepLink));
    return result("click-to-ncrs", "ms", median(ours), median(baseline), 1.2, false, extra);
  } finally {
    await browser.close();
    await product.stop();
  }
}

/** A launch into the NCRS tab already open, against a link into a named tab already open. */
async function reusedTab(page: Page, context: BrowserContext, deepLink: string) {
  await page.evaluate((url) => {
    const link = document.createElement("a");
    link.href = url;
    link.target = "bench-direct";
    link.textContent = "Deep link into a named tab";
    link.dataset["testid"] = "direct-named-link";
    document.body.prepend(link);
  }, deepLink);
  const [ncrsTab] = await Promise.all([
    context.waitForEvent("page"),
    page.getByTestId("open-in-ncrs").click(),
  ]);
  const [directTab] = await Promise.all([
    context.waitForEvent("page"),
    page.getByTestId("direct-named-link").click(),
  ]);
  // Clicked, then timed until that tab shows the patient from a new page (the URL tells them apart).
  const into = async (tab: Page, click: () => Promise<void>): Promise<number> => {
    await tab.getByTestId("ncrs-patient-nhs-number").waitFor();
    await tab.evaluate(() => document.documentElement.setAttribute("data-bench-old", ""));
    await page.bringToFront();
    await page.getByTestId("open-in-ncrs").waitFor({ state: "visible" });
    await page.waitForFunction(
      () => !(document.querySelector("[data-testid=open-in-ncrs]") as HTMLButtonElement).disabled,
    );
    const started = Date.now();
    await click();
    await tab.waitForFunction(
      () =>
        !document.documentElement.hasAttribute("data-bench-old") &&
        document.querySelector("[data-testid=ncrs-patient-nhs-number]") !== null,
      undefined,
      { polling: "raf" },
    );
    return Date.now() - started;
  };
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(await into(ncrsTab, () => page.getByTestId("open-in-ncrs").click()));
    baseline.push(await into(directTab, () => page.getByTestId("direct-named-link").click()));
  }
  if (context.pages().length !== 3)
    throw new Error(`expected the two tabs to be reused, found ${context.pages().length - 1}`);
  const reusedMs = median(ours);
  const reusedBaselineMs = median(baseline);
  return { reusedMs, reusedBaselineMs, reusedRatio: Math.round((reusedMs / reusedBaselineMs) * 100) / 100 };
}
