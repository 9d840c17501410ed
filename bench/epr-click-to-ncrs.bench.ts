/**
 * `epr-click-to-ncrs`: in Chromium, on the EPR simulator's patient page, from a click on the
 * embedded "Open in NCRS" button for a patient already verified (the EPR's hand-over matched PDS)
 * until the NCRS simulator shows them, against a plain `<a target="ncrs">` to the same NCRS deep
 * link on the same page. The button's path is the form post to /embed/v1/launch, the redirect to
 * our origin (where the session cookie is), the audited launch and the redirect to NCRS; the link
 * goes straight to NCRS. NCRS sign-in and role confirmation are done once beforehand for both. The
 * service runs in its own process, as in the other browser benchmark. The two alternate over the
 * rounds; medians, in milliseconds; target ratio ≤ 1.25.
 */

import type { Page } from "playwright-core";
import { connectEpr, openEprPatient } from "../simulators/epr/journey.ts";
import type { EprSimulator } from "../simulators/epr/server.ts";
import type { NcrsSimulator } from "../simulators/ncrs/server.ts";
import { launchBrowser, signInInBrowser } from "../test/support/browser.ts";
import { USERS } from "../test/support/sign-in.ts";
import { startProduct } from "./lib/product.ts";
import { type BenchResult, result } from "./lib/result.ts";

const ROUNDS = 15;
/** The EPR's patient whose details match PDS (simulators/epr/patients.ts), so verified at hand-over. */
const MRN = "RVR100001";
const NHS_NUMBER = "9991000054";

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** The button (inside its shadow root) once it is ready for a click again after the last one. */
async function buttonReady(page: Page) {
  await page.waitForFunction(() => {
    const host = document.querySelector("ncrs-open-button") as HTMLElement | null;
    const button = host?.shadowRoot?.querySelector("button");
    return button !== null && button !== undefined && !button.hasAttribute("aria-disabled");
  });
  return page.getByTestId("epr-open-button").locator("button").first();
}

export async function eprClickToNcrs(): Promise<BenchResult> {
  const [product, browser] = await Promise.all([
    startProduct(
      { LAUNCH_DUPLICATE_WINDOW_SECONDS: "0", LAUNCH_BUSY_SECONDS: "1" },
      { ncrs: true, epr: true },
    ),
    launchBrowser(),
  ]);
  const ncrs = product.ncrs as NcrsSimulator;
  const epr = product.epr as EprSimulator;
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await signInInBrowser(page, product.baseUrl, USERS.singleRole);
    await openEprPatient(page, epr.origin, MRN);
    await connectEpr(page, epr.origin);
    const verification = await page.getByTestId("epr-verification").textContent();
    if (verification !== "verified")
      throw new Error(`epr-click-to-ncrs: the hand-over was not verified: ${verification}`);
    const deepLink = ncrs.launchTemplate.replace("{nhsNumber}", NHS_NUMBER);
    // The baseline on the same host page, into the same named tab the button uses.
    await page.evaluate((url) => {
      const link = document.createElement("a");
      link.href = url;
      link.target = "ncrs";
      link.textContent = "NCRS (plain link)";
      link.dataset["testid"] = "plain-deep-link";
      document.querySelector("main")?.prepend(link);
    }, deepLink);

    /** From the click to NCRS showing this patient; the tab is closed afterwards (untimed). */
    const timed = async (click: () => Promise<void>): Promise<number> => {
      const started = Date.now();
      const [tab] = await Promise.all([context.waitForEvent("page"), click()]);
      const shown = await tab.getByTestId("ncrs-patient-nhs-number").textContent();
      const elapsed = Date.now() - started;
      if (shown?.replaceAll(" ", "") !== NHS_NUMBER)
        throw new Error(`epr-click-to-ncrs: NCRS showed ${shown}`);
      await tab.close();
      return elapsed;
    };
    const viaButton = async () => {
      const button = await buttonReady(page);
      return timed(() => button.click());
    };
    const viaLink = () => timed(() => page.getByTestId("plain-deep-link").click());

    // NCRS's role confirmation, once per NCRS session, as a clinician would meet it.
    const button = await buttonReady(page);
    const [first] = await Promise.all([context.waitForEvent("page"), button.click()]);
    const confirmRole = first.locator("#confirm-current-role");
    const shown = first.getByTestId("ncrs-patient-nhs-number");
    await Promise.race([confirmRole.waitFor(), shown.waitFor()]);
    if (await confirmRole.isVisible()) await confirmRole.click();
    await shown.waitFor();
    await first.close();

    const ours: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternating which goes first, so neither always follows the other's tab closing.
      if (i % 2 === 0) {
        ours.push(await viaButton());
        baseline.push(await viaLink());
      } else {
        baseline.push(await viaLink());
        ours.push(await viaButton());
      }
    }
    return result("epr-click-to-ncrs", "ms", median(ours), median(baseline), 1.25, false, {
      rounds: ROUNDS,
    });
  } finally {
    await browser.close();
    await product.stop();
  }
}
