/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). One browser per test
 * file; each test gets fresh contexts (a context is one browser profile: its own cookies).
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM_PATH } from "../../scripts/test-prerequisites.ts";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** Signs in on the start page through the CIS2 simulator's sign-in page, as a clinician would. */
export async function signInInBrowser(
  page: Page,
  baseUrl: string,
  user: string,
  authenticator: RegExp = /Security key/,
): Promise<void> {
  await page.goto(baseUrl);
  await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
  await page.getByLabel(new RegExp(`\\(${user}\\)`)).check();
  await page.getByLabel(authenticator).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${baseUrl}/home`);
}

/** Logs out with the header's button, confirming at CIS2 when the log-out ends the CIS2 session too. */
export async function logOutInBrowser(page: Page, baseUrl: string): Promise<void> {
  await page.getByTestId("log-out").click();
  await page.waitForURL(
    (url) => url.href.startsWith(`${baseUrl}/?signed_out=`) || url.pathname.endsWith("/connect/endSession"),
  );
  if (!page.url().startsWith(baseUrl)) await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await page.waitForURL(`${baseUrl}/?signed_out=logout`);
}

/** Finds a patient on the search page and selects them; then, unless told not to, verifies with PDS. */
export async function openPatientInBrowser(
  page: Page,
  baseUrl: string,
  query: string,
  name: RegExp,
  verify = true,
): Promise<void> {
  await page.goto(`${baseUrl}/patients`);
  await page.getByLabel(/Name, NHS number/).fill(query);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name }).click();
  await page.waitForURL(/\/patient-context\//);
  if (!verify) return;
  await page.getByTestId("check-with-pds").click();
  await page.getByTestId("confirm").click();
  await page.waitForURL(/done=/);
}
