/**
 * The events pages in Chromium: the admin inbox and an event's page pass axe (WCAG 2.2 A/AA), and
 * an open patient page shows the NHS notification banner live when the patient dies, and nothing
 * for a routine change. Screenshots are written to EVENTS_SCREENSHOT_DIR (default: a temporary
 * folder) for people to look at.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../../src/identity/identity.types.ts";
import { nhsNumber } from "../../src/patients/nhs-number.ts";
import { launchBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type EventsWeb, startEventsWeb } from "./support/events-web.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SHOTS = process.env["EVENTS_SCREENSHOT_DIR"] ?? join(tmpdir(), "ncrs-events-screens");

let web: EventsWeb;
let browser: Browser;

async function signedIn(user: string): Promise<Page> {
  const page = await (await browser.newContext({ bypassCSP: true })).newPage();
  await page.goto(web.baseUrl);
  await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
  await page.getByLabel(new RegExp(`\\(${user}\\)`)).check();
  await page.getByLabel(/Security key/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${web.baseUrl}/home`);
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
  mkdirSync(SHOTS, { recursive: true });
  [web, browser] = await Promise.all([startEventsWeb("sqlite"), launchBrowser()]);
  await web.mnsControl("publish", { type: "pds-change-of-gp-2", nhsNumber: "9991000038", format: "fhir" });
  await web.mnsControl("publish", { type: "pds-death-notification-2", nhsNumber: "9991000046" });
  await web.mnsControl("unknown-patient", {});
  await web.pdsControlScenario("unavailable");
  await web.mnsControl("publish", { type: "pds-record-change-2", nhsNumber: "9693632109" });
  for (let i = 0; i < 200 && (await web.module.counts()).byStatus.processed < 2; i++)
    await new Promise((r) => setTimeout(r, 25));
});
afterAll(async () => {
  await web.pdsControlScenario(null);
  await browser?.close();
  await web?.close();
});

describe("events pages", () => {
  it("the inbox and an event's page meet WCAG 2.2 AA", async () => {
    const page = await signedIn(USERS.admin);
    await page.goto(`${web.baseUrl}/admin/events`);
    await expect.poll(() => page.getByTestId("event-row").count()).toBe(4);
    expect(await violations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "events-list.png"), fullPage: true });
    await page.getByTestId("event-row").last().getByRole("link").click();
    await expect.poll(() => page.getByTestId("event-facts").isVisible()).toBe(true);
    expect(await violations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "events-detail.png"), fullPage: true });
  });

  it("an open patient page shows a banner when the patient dies, and nothing for a change of GP", async () => {
    await web.pdsControlScenario(null);
    const page = await signedIn(USERS.singleRole);
    const token = (await page.context().cookies()).find((c) => c.name === "ncrs_session")?.value;
    const session = ((await web.identity.sessions.resolve(token, "test")) as { session: Session }).session;
    const patient = await web.patients.findByAnyNhsNumber(nhsNumber("9991000054"));
    const contextId = await web.contexts.select(session, patient?.id ?? "", "browsertab0000000001", "test");
    await page.goto(`${web.baseUrl}/patient-context/${contextId}`);
    await page.waitForFunction(() => document.querySelector("[data-patient-notifications]") !== null);
    await web.mnsControl("publish", { type: "pds-change-of-gp-2", nhsNumber: "9991000054" });
    await web.mnsControl("publish", { type: "pds-death-notification-2", nhsNumber: "9991000054" });
    const banner = page.getByTestId("patient-notification");
    await banner.waitFor();
    expect(await banner.count()).toBe(1);
    expect(await banner.textContent()).toContain("PDS now records this patient as deceased");
    expect(await banner.getAttribute("data-kind")).toBe("deceased");
    expect(await violations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "patient-notification.png"), fullPage: true });
  });
});
