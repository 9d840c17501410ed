/**
 * Playwright steps through the EPR for end-to-end journeys: connect it to NCRS Connect, open a
 * patient by MRN, pick the EPR user, and follow the desktop links, the embedded button or the SMART
 * app link into the tab NCRS Connect opens in. Each step waits for the page it leads to, and knows nothing of NCRS
 * Connect's own pages (a journey drives those itself).
 */
import type { Page } from "playwright-core";

/** Opens a patient's page by MRN, e.g. "RVR100001" (see patients.ts for the cases). */
export async function openEprPatient(page: Page, eprOrigin: string, mrn: string): Promise<void> {
  await page.goto(`${eprOrigin}/patients/${encodeURIComponent(mrn)}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
}

/**
 * Presses Connect on the current EPR page. NCRS Connect's `/oauth/authorize` runs in this tab: when
 * the user is signed in there it comes straight back; otherwise pass `signIn`, which drives NCRS
 * Connect's (and CIS2's) pages until the browser is sent back. Resolves on the EPR page Connect
 * started from, now connected.
 */
export async function connectEpr(
  page: Page,
  eprOrigin: string,
  signIn?: (page: Page) => Promise<void>,
): Promise<void> {
  const back = new URL(page.url());
  await page.getByTestId("epr-connect").click();
  if (signIn) await signIn(page);
  await page.waitForURL((url) => url.origin === eprOrigin && url.pathname === back.pathname);
  await page.getByRole("heading", { level: 1 }).waitFor();
}

/** Picks who the EPR thinks is signed in (a CIS2 test user's 12-digit id); the desktop links' user_hint. */
export async function chooseEprUser(page: Page, sub: string): Promise<void> {
  const here = page.url();
  await page.getByTestId("epr-user").selectOption(sub);
  await page.getByRole("button", { name: "Change user" }).click();
  await page.waitForURL(here);
}

async function followIntoNewTab(page: Page, testId: string): Promise<Page> {
  const [tab] = await Promise.all([page.context().waitForEvent("page"), page.getByTestId(testId).click()]);
  await tab.waitForLoadState("domcontentloaded");
  return tab;
}

/**
 * Clicks "Desktop link" (the signed launch as a form POST) and returns the new tab, which posts the
 * token to NCRS Connect's `/context-launch` as it loads: the tab ends on NCRS Connect's page.
 */
export async function clickDesktopLink(page: Page, ncrsConnectUrl: string): Promise<Page> {
  const tab = await followIntoNewTab(page, "epr-desktop-link");
  const target = new URL(ncrsConnectUrl).origin;
  await tab.waitForURL((url) => url.origin === target);
  return tab;
}

/** Clicks "Desktop link (URL)" (the encrypted token in a GET) and returns the tab it opens. */
export async function clickDesktopUrl(page: Page): Promise<Page> {
  return followIntoNewTab(page, "epr-desktop-url");
}

/** Clicks the embedded "Open in NCRS" button and returns the tab it opens (its named window). */
export async function clickOpenButton(page: Page): Promise<Page> {
  const button = page.getByTestId("epr-open-button");
  await button.waitFor();
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    button.locator("button").first().click(),
  ]);
  return tab;
}

/**
 * Clicks "Open NCRS Connect" (the SMART EHR launch; `clientId` picks the app when several are
 * registered) and returns the new tab once it has loaded: it went through the EPR's
 * `/patients/{mrn}/smart-launch` to the app's launch URL with `iss` and `launch`. Pass
 * `appOrigin` to wait until the tab is on the app (its launch or a later page).
 */
export async function clickSmartLaunch(
  page: Page,
  options: { clientId?: string; appOrigin?: string } = {},
): Promise<Page> {
  const links = page.getByTestId("epr-smart-launch");
  const link = options.clientId
    ? links.and(page.locator(`[data-client-id="${options.clientId}"]`))
    : links.first();
  const [tab] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
  const origin = options.appOrigin;
  if (origin) await tab.waitForURL((url) => url.origin === origin);
  await tab.waitForLoadState("domcontentloaded");
  return tab;
}
