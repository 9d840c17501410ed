/**
 * From someone else's EPR to NCRS, in Chromium: the EPR simulator (registered as an API client)
 * hands its patient to us in each way a supplier integrates, and the NCRS simulator's tab must end
 * on that patient. The embedded button after the EPR connects by OAuth; the desktop link (signed
 * context launch) onto our patient page; the back end's hand-over answer's patientUrl; a patient
 * whose EPR details differ from PDS, confirmed on our page first; and a user signed out of us, who
 * signs in with CIS2 on the way. The EPR's patient page with the button rendered passes axe.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  clickDesktopLink,
  clickOpenButton,
  connectEpr,
  openEprPatient,
} from "../../simulators/epr/journey.ts";
import { launchBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** The EPR's cases used here (simulators/epr/patients.ts) and what PDS, so NCRS, holds for them. */
/** The EPR's patient whose details match PDS (Hartley), and the one whose date of birth differs (Iqbal). */
const MATCHING = { mrn: "RVR100001", nhs: "999 100 0054", family: /HARTLEY/i };
const DIFFERING = { mrn: "RVR100002", nhs: "999 100 0038", family: /IQBAL/i };

let stack: Stack;
let browser: Browser;
let eprOrigin: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    // With the demonstration patients, as npm start runs: the EPR's matching patient is one whose
    // local record agrees with PDS too.
    startStack({ epr: true, env: { LAUNCH_DUPLICATE_WINDOW_SECONDS: "0" } }),
    launchBrowser(),
  ]);
  eprOrigin = (stack.epr as NonNullable<Stack["epr"]>).origin;
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function newContext(options: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  // A step that never completes fails by name, well before the test's own timeout.
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context;
}

/** A browser signed in to NCRS Connect as the EPR's default user (the CIS2 single-role user). */
async function signedIn(
  options: { bypassCSP?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(options);
  const page = await context.newPage();
  await signInInBrowser(page, stack.baseUrl, USERS.singleRole);
  return { context, page };
}

/** The EPR's patient page, connected to NCRS Connect (OAuth as the signed-in user) so it hands over. */
async function eprPatientConnected(page: Page, mrn: string): Promise<void> {
  await openEprPatient(page, eprOrigin, mrn);
  await connectEpr(page, eprOrigin);
  await page.getByTestId("epr-handover").waitFor();
  await page.waitForFunction(() => customElements.get("ncrs-open-button") !== undefined);
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

/** Clicks our page's "Open in NCRS" and returns the NCRS tab. */
async function openInNcrs(page: Page): Promise<Page> {
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    page.getByTestId("open-in-ncrs").click(),
  ]);
  return tab;
}

async function ncrsLaunches(): Promise<{ nhsNumber: string }[]> {
  return (await (await fetch(`${stack.ncrs.origin}/_sim/launches`)).json()) as { nhsNumber: string }[];
}

/** The answer to the EPR back end's latest hand-over, from the EPR's own call log. */
function lastHandover(): { patientUrl: string; mustConfirm: boolean; confirmUrl?: string } {
  const calls = (stack.epr as NonNullable<Stack["epr"]>)
    .calls()
    .filter((c) => c.path === "/api/v1/patient-contexts" && c.status === 201);
  const answer = calls.at(-1)?.response as { patientUrl: string; mustConfirm: boolean; confirmUrl?: string };
  if (!answer) throw new Error("the EPR made no hand-over");
  return answer;
}

/** On our confirmation page (the differences with PDS): confirms the patient despite them. */
async function confirmOnOurPage(page: Page): Promise<void> {
  await page.waitForURL(
    (url) => url.origin === stack.baseUrl && url.pathname.startsWith("/patient-context/"),
  );
  const check = page.getByTestId("check-with-pds");
  const confirm = page.getByTestId("confirm");
  await Promise.race([check.waitFor(), confirm.waitFor()]);
  if (await check.isVisible()) await check.click();
  await confirm.click();
  await page.waitForURL(/done=/);
}

describe("journeys from the EPR simulator to the NCRS simulator, in Chromium", () => {
  it("embedded button: the EPR connects by OAuth, a patient who matches PDS, a click, NCRS shows them", async () => {
    const { page } = await signedIn();
    await eprPatientConnected(page, MATCHING.mrn);
    expect(await page.getByTestId("epr-verification").textContent()).toBe("verified");
    const before = (await ncrsLaunches()).length;
    const shown = await ncrsShows(await clickOpenButton(page));
    expect(shown.nhsNumber).toBe(MATCHING.nhs);
    expect(shown.name).toMatch(MATCHING.family);
    expect((await ncrsLaunches()).slice(before).map((l) => l.nhsNumber)).toEqual(["9991000054"]);
  });

  it("desktop link: the signed context launch lands on our patient page, and Open in NCRS shows them", async () => {
    const { page } = await signedIn();
    await openEprPatient(page, eprOrigin, MATCHING.mrn);
    const before = (await ncrsLaunches()).length;
    const ours = await clickDesktopLink(page, stack.baseUrl);
    await ours.waitForURL(/\/patient-context\/[A-Za-z0-9_-]+$/);
    expect(await ours.getByTestId("banner-name").textContent()).toMatch(MATCHING.family);
    // The launch opened our page only: NCRS waits for the click.
    expect((await ncrsLaunches()).length).toBe(before);
    const shown = await ncrsShows(await openInNcrs(ours));
    expect(shown.nhsNumber).toBe(MATCHING.nhs);
    expect(shown.name).toMatch(MATCHING.family);
  });

  it("API path: the EPR back end's hand-over answer's patientUrl, opened in the browser, then Open in NCRS shows them", async () => {
    const { context, page } = await signedIn();
    await eprPatientConnected(page, MATCHING.mrn);
    const answer = lastHandover();
    expect(answer.mustConfirm).toBe(false);
    expect(new URL(answer.patientUrl).origin).toBe(stack.baseUrl);
    const ours = await context.newPage();
    await ours.goto(answer.patientUrl);
    expect(await ours.getByTestId("banner-name").textContent()).toMatch(MATCHING.family);
    const shown = await ncrsShows(await openInNcrs(ours));
    expect(shown.nhsNumber).toBe(MATCHING.nhs);
    expect(shown.name).toMatch(MATCHING.family);
  });

  it("differing demographics: the button leads to our confirmation page, the user confirms, then NCRS opens on the patient", async () => {
    const { page } = await signedIn();
    await eprPatientConnected(page, DIFFERING.mrn);
    expect(await page.getByTestId("epr-verification").textContent()).toBe("needs_confirmation");
    const before = (await ncrsLaunches()).length;
    const tab = await clickOpenButton(page);
    await confirmOnOurPage(tab);
    // Nothing reached NCRS before the confirmation.
    expect((await ncrsLaunches()).length).toBe(before);
    await tab.screenshot({ path: "/tmp/epr-journey-confirmed.png", fullPage: true });
    const shown = await ncrsShows(await openInNcrs(tab));
    expect(shown.nhsNumber).toBe(DIFFERING.nhs);
    expect(shown.name).toMatch(DIFFERING.family);
  });

  it("differing demographics by the desktop link: our confirmation first, then NCRS opens on the patient", async () => {
    const { page } = await signedIn();
    await openEprPatient(page, eprOrigin, DIFFERING.mrn);
    const ours = await clickDesktopLink(page, stack.baseUrl);
    await confirmOnOurPage(ours);
    const shown = await ncrsShows(await openInNcrs(ours));
    expect(shown.nhsNumber).toBe(DIFFERING.nhs);
  });

  it("signed out of NCRS Connect: the desktop link runs CIS2 sign-in in the browser, then lands on the patient and launches", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await openEprPatient(page, eprOrigin, MATCHING.mrn);
    const [tab] = await Promise.all([
      context.waitForEvent("page"),
      page.getByTestId("epr-desktop-link").click(),
    ]);
    // CIS2's sign-in page: the launch waits for us.
    await tab.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).check();
    await tab.getByLabel(/Security key/).check();
    await tab.getByRole("button", { name: "Continue" }).click();
    await tab.waitForURL(/\/patient-context\/[A-Za-z0-9_-]+$/);
    expect(await tab.getByTestId("banner-name").textContent()).toMatch(MATCHING.family);
    const shown = await ncrsShows(await openInNcrs(tab));
    expect(shown.nhsNumber).toBe(MATCHING.nhs);
    expect(shown.name).toMatch(MATCHING.family);
  });

  it("the EPR's patient page with the embedded button rendered has no axe violations", async () => {
    // axe is injected into the page; the EPR's policy (rightly) forbids that, so this context bypasses it.
    const { page } = await signedIn({ bypassCSP: true });
    await eprPatientConnected(page, MATCHING.mrn);
    // The button is rendered (its shadow root's button), not merely its tag in the page.
    await page.getByRole("button", { name: /Open in NCRS for Oscar/i }).waitFor();
    await page.evaluate(AXE_SOURCE);
    const found = (await page.evaluate(async (tags) => {
      const axe = (
        globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }
      ).axe;
      return (await axe.run({ runOnly: { type: "tag", values: tags } })).violations;
    }, AXE_TAGS)) as { id: string; nodes: { target: string[] }[] }[];
    await page.screenshot({ path: "/tmp/epr-patient-with-button.png", fullPage: true });
    expect(found.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });
});
