/**
 * SMART on FHIR EHR launch in Chromium, from the EPR simulator (a SMART EHR, registered in
 * SMART_EHRS with private_key_jwt) to the NCRS simulator: the EPR's "Open NCRS Connect" app
 * button, CIS2 sign-in on the way for a signed-out user, our confirmation page for a patient whose
 * EPR details differ from PDS, then "Open in NCRS", and NCRS shows the right patient; the same for
 * a signed-in user with no CIS2 prompt; the EPR signed in as another clinician is refused; the
 * refusal pages pass axe.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chooseEprUser, clickSmartLaunch, openEprPatient } from "../../simulators/epr/journey.ts";
import { launchBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
/** The EPR's patient who matches PDS (Hartley), and the one whose date of birth differs (Iqbal). */
const MATCHING = { mrn: "RVR100001", nhs: "999 100 0054", family: /HARTLEY/i };
const DIFFERING = { mrn: "RVR100002", nhs: "999 100 0038", family: /IQBAL/i };

let stack: Stack;
let browser: Browser;
let epr: NonNullable<Stack["epr"]>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({ epr: true, env: { LAUNCH_DUPLICATE_WINDOW_SECONDS: "0" } }),
    launchBrowser(),
  ]);
  epr = stack.epr as NonNullable<Stack["epr"]>;
});
afterEach(async () => {
  epr.smart.setScenario("normal");
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function newPage(options: { bypassCSP?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

/** Waits for the NCRS simulator in the tab (confirming NCRS's role once), and says whom it shows. */
async function ncrsShows(tab: Page): Promise<{ nhsNumber: string | null; name: string | null }> {
  await tab.waitForURL((url) => url.origin === stack.ncrs.origin);
  const confirmRole = tab.locator("#confirm-current-role");
  const shown = tab.getByTestId("ncrs-patient-nhs-number");
  await Promise.race([confirmRole.waitFor(), shown.waitFor()]);
  if (await confirmRole.isVisible()) await confirmRole.click();
  return {
    nhsNumber: await shown.textContent(),
    name: await tab.getByTestId("ncrs-patient-name").textContent(),
  };
}

async function openInNcrs(page: Page): Promise<Page> {
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    page.getByTestId("open-in-ncrs").click(),
  ]);
  return tab;
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(async (tags) => {
    const axe = (
      globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    return (await axe.run({ runOnly: { type: "tag", values: tags } })).violations;
  }, AXE_TAGS)) as { id: string; nodes: { target: string[] }[] }[];
  return found.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("the SMART EHR launch from the EPR simulator, in Chromium", () => {
  it("signed out: the app button, CIS2 sign-in, back to our confirmation page, confirm, Open in NCRS, and NCRS shows the patient", async () => {
    const page = await newPage();
    await openEprPatient(page, epr.origin, DIFFERING.mrn);
    const tab = await clickSmartLaunch(page);
    // CIS2's sign-in page: the launch's patient, read from the EHR, waits for us.
    await tab.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).check();
    await tab.getByLabel(/Security key/).check();
    await tab.getByRole("button", { name: "Continue" }).click();
    await tab.waitForURL(/\/patient-context\/[A-Za-z0-9_-]+\/checks\/[0-9a-f-]{36}$/);
    const check = tab.getByTestId("check-with-pds");
    const confirm = tab.getByTestId("confirm");
    await Promise.race([check.waitFor(), confirm.waitFor()]);
    if (await check.isVisible()) await check.click();
    await tab.screenshot({ path: "/tmp/smart-launch-confirmation.png", fullPage: true });
    await confirm.click();
    await tab.waitForURL(/done=/);
    const shown = await ncrsShows(await openInNcrs(tab));
    expect(shown.nhsNumber).toBe(DIFFERING.nhs);
    expect(shown.name).toMatch(DIFFERING.family);
    const token = epr.smart.requests().find((r) => r.endpoint === "token" && r.status === 200);
    expect(token?.clientAuth).toBe("private_key_jwt");
  });

  it("signed in: the app button lands on our patient page with no CIS2 prompt, and NCRS shows the patient", async () => {
    const page = await newPage();
    await signInInBrowser(page, stack.baseUrl, USERS.singleRole);
    await openEprPatient(page, epr.origin, MATCHING.mrn);
    const tab = await clickSmartLaunch(page);
    await tab.waitForURL(/\/patient-context\/[A-Za-z0-9_-]+$/);
    expect(await tab.getByTestId("banner-name").textContent()).toMatch(MATCHING.family);
    await tab.screenshot({ path: "/tmp/smart-launch-patient.png", fullPage: true });
    const shown = await ncrsShows(await openInNcrs(tab));
    expect(shown.nhsNumber).toBe(MATCHING.nhs);
    expect(shown.name).toMatch(MATCHING.family);
  });

  it("shared workstation: the EPR signed in as another clinician is refused with a page that passes axe", async () => {
    const page = await newPage({ bypassCSP: true });
    await signInInBrowser(page, stack.baseUrl, USERS.singleRole);
    await openEprPatient(page, epr.origin, MATCHING.mrn);
    await chooseEprUser(page, USERS.multiRole);
    const tab = await clickSmartLaunch(page);
    await tab.getByTestId("switch-user").waitFor();
    expect(await tab.getByTestId("error-code").textContent()).toBe("smart_launch.other_user");
    await tab.screenshot({ path: "/tmp/smart-launch-other-user.png", fullPage: true });
    expect(await axeViolations(tab)).toEqual([]);
  });

  it("the EHR refusing access shows our refusal page, which passes axe", async () => {
    epr.smart.setScenario("access_denied");
    const page = await newPage({ bypassCSP: true });
    await signInInBrowser(page, stack.baseUrl, USERS.singleRole);
    await openEprPatient(page, epr.origin, MATCHING.mrn);
    const tab = await clickSmartLaunch(page);
    await tab.getByTestId("error-code").waitFor();
    expect(await tab.getByTestId("error-code").textContent()).toBe("smart_launch.access_denied");
    await tab.screenshot({ path: "/tmp/smart-launch-access-denied.png", fullPage: true });
    expect(await axeViolations(tab)).toEqual([]);
  });
});
