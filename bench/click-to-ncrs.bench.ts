/**
 * `click-to-ncrs`: in Chromium, from the click on "Open in NCRS" to the NCRS simulator showing the
 * patient, against opening the simulator's deep link directly from a page, in the same browser
 * (NCRS sign-in and role confirmation done once beforehand for both). The service runs in a process
 * of its own, as in the load benchmarks, so it never shares an event loop with the browser driver
 * or NCRS. Median of several launches; value and baseline in milliseconds; target ratio ≤ 1.2.
 */

import type { NcrsSimulator } from "../simulators/ncrs/server.ts";
import { launchBrowser, signInInBrowser } from "../test/support/browser.ts";
import { USERS } from "../test/support/sign-in.ts";
import { startProduct } from "./lib/product.ts";
import { type BenchResult, result } from "./lib/result.ts";

const ROUNDS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function clickToNcrs(): Promise<BenchResult> {
  const [product, browser] = await Promise.all([
    startProduct({ LAUNCH_DUPLICATE_WINDOW_SECONDS: "0", LAUNCH_BUSY_SECONDS: "1" }, { ncrs: true }),
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
    return result("click-to-ncrs", "ms", median(ours), median(baseline), 1.2, false, { rounds: ROUNDS });
  } finally {
    await browser.close();
    await product.stop();
  }
}
