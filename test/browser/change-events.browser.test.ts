/**
 * National change events in the whole service (`npm start`'s wiring, on the test stack): the MNS
 * simulator announces that a patient a clinician has open has died; the app's signed intake stores
 * it, the worker re-reads PDS and applies it, the open page shows an NHS notification banner live,
 * the record is flagged after a reload, and the audit trail and metrics record the processing.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPatientInBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function publish(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${stack.mns.origin}/_sim/publish`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
}

describe("a change event reaching an open patient page", () => {
  it("shows the clinician a banner live, flags the record, and is audited once", async () => {
    const page = await (await browser.newContext()).newPage();
    await signInInBrowser(page, stack.baseUrl, USERS.singleRole);
    await openPatientInBrowser(page, stack.baseUrl, "999 100 0054", /Select HARTLEY, Oscar/);
    const nhs = (await page.getByTestId("banner-nhs-number").textContent())?.replace(/\s/g, "") ?? "";
    expect(nhs).toMatch(/^\d{10}$/);
    expect(await page.getByTestId("banner-flag").count()).toBe(0);

    await publish({ type: "pds-death-notification-2", nhsNumber: nhs });
    const banner = page.getByTestId("patient-notification");
    await banner.waitFor({ state: "visible", timeout: 15_000 });
    expect(await banner.textContent()).toContain("deceased");
    await page.screenshot({ path: "test-results/change-event-banner.png", fullPage: true });

    await page.reload();
    expect((await page.getByTestId("banner-flag").allTextContents()).join(" ")).toContain("Deceased");

    const processed = await stack.built.database.db
      .selectFrom("audit_records")
      .select(["outcome", "source"])
      .where("event_type", "=", "event.processed")
      .execute();
    expect(processed).toEqual([{ outcome: "event.applied", source: "change-events" }]);
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /ncrs_events_processed_total\{type="pds-death-notification-2",outcome="applied"\} 1/,
    );
  });
});
