/**
 * Records held elsewhere in Chromium (the whole service, NRL simulator included): the patient
 * page is sent before NRL answers and the list arrives after; a pointer is added on the NRL
 * simulator's control page; Refresh shows "New document available" once; a second tab with the
 * patient open hears of it live; it is dismissed and stays dismissed. The page passes axe.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPatientInBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  // The page never waits for NRL: the list always arrives after, through the page's script.
  [stack, browser] = await Promise.all([startStack({ env: { NRL_PAGE_WAIT_MS: "0" } }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    return (
      await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } })
    ).violations;
  })) as { id: string; nodes: { target: string[] }[] }[];
  return found.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("records held elsewhere in the browser", () => {
  it("lists pointers after the page, shows a new one once in both tabs, and stays dismissed", async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await signInInBrowser(first, stack.baseUrl, USERS.singleRole);
    await openPatientInBrowser(first, stack.baseUrl, "999 100 0054", /Select HARTLEY, Oscar/);
    const list = first.getByTestId("records-list");
    await list.waitFor({ state: "visible", timeout: 10_000 });
    expect(await list.textContent()).toContain("Mental health crisis plan");
    expect(await first.getByTestId("records-checked").textContent()).toContain(
      "National Record Locator (NRL)",
    );
    expect(await first.getByTestId("new-document").count()).toBe(0);
    expect(await axeViolations(first)).toEqual([]);

    // A second tab on the same patient, listening on the live banner channel.
    const second = await context.newPage();
    await openPatientInBrowser(second, stack.baseUrl, "999 100 0054", /Select HARTLEY, Oscar/, false);
    await second.getByTestId("records-list").waitFor({ state: "visible", timeout: 10_000 });

    // Another organisation shares an end of life care plan: added on NRL's control page.
    const control = await (await browser.newContext()).newPage();
    await control.goto(`${stack.nrl.origin}/_sim/?nhs=9991000054`);
    await control.getByLabel("Type").selectOption("736373009");
    await control.getByLabel("Custodian").selectOption("Y05868");
    await control.getByTestId("add-pointer").click();
    expect(await control.getByTestId("said").textContent()).toMatch(/Added pointer Y05868-\d+/);

    await first.getByTestId("refresh-records").click();
    const banner = first.getByTestId("new-document");
    await banner.waitFor({ state: "visible" });
    expect(await first.getByTestId("new-document-list").textContent()).toContain(
      "End of life care plan from Y05868",
    );
    expect(await first.getByTestId("new-document-source").textContent()).toContain("Where this came from");
    await first
      .getByTestId("records-elsewhere")
      .screenshot({ path: "test-results/records-elsewhere-new.png" });
    expect(await axeViolations(first)).toEqual([]);

    const live = second.getByTestId("new-document");
    await live.waitFor({ state: "visible", timeout: 10_000 });
    expect(await second.getByTestId("new-document-list").textContent()).toContain(
      "End of life care plan from Y05868",
    );

    // Shown once: reloading shows the one banner again, not a second one.
    await first.reload();
    await first.getByTestId("records-list").waitFor({ state: "visible" });
    expect(await first.getByTestId("new-document").count()).toBe(1);

    await first.getByTestId("dismiss-new-document").click();
    await first.getByTestId("records-list").waitFor({ state: "visible" });
    expect(await first.getByTestId("new-document").count()).toBe(0);
    await second.reload();
    await second.getByTestId("records-list").waitFor({ state: "visible" });
    expect(await second.getByTestId("new-document").count()).toBe(0);
    await first.getByTestId("refresh-records").click();
    await first.getByTestId("records-list").waitFor({ state: "visible" });
    expect(await first.getByTestId("new-document").count()).toBe(0);
    const shown = await stack.built.database.db
      .selectFrom("audit_records")
      .select("outcome")
      .where("outcome", "in", ["nrl.new_document_shown", "nrl.new_document_dismissed"])
      .orderBy("seq")
      .execute();
    expect(shown.map((r) => r.outcome)).toEqual(["nrl.new_document_shown", "nrl.new_document_dismissed"]);
  });

  it("without JavaScript, the page says NRL is being checked and a reload shows the list", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(stack.baseUrl);
    await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
    await page.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).check();
    await page.getByLabel(/Security key/).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${stack.baseUrl}/home`);
    await openPatientInBrowser(page, stack.baseUrl, "999 100 0046", /Select/, true);
    const panel = page.getByTestId("records-elsewhere");
    expect(await panel.textContent()).toContain("Checking the National Record Locator (NRL)");
    expect(await panel.getByRole("link", { name: /Reload this page/ }).count()).toBe(1);
    await page.reload();
    expect(await page.getByTestId("records-list").textContent()).toContain("End of life care plan");
  });
});
