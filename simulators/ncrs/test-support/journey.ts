/**
 * Drives a browser through an NCRS launch over HTTP for tests: the launch link, CIS2's sign-in
 * and role pages when CIS2 shows them (the CIS2 simulator's own test browser and page reader are
 * reused), NCRS's role confirmation, and the page the journey ends on. Also starts a CIS2 and an
 * NCRS simulator together on free ports.
 */
import { type Cis2Simulator, startCis2Simulator } from "../../cis2/server.ts";
import { Browser, type Page } from "../../cis2/test-support/browser.ts";
import { pageKind } from "../../cis2/test-support/sign-in.ts";
import { type NcrsSimulator, type NcrsSimulatorOptions, startNcrsSimulator } from "../server.ts";

/** The pages a journey passed through, in order. */
export type Seen = "cis2-sign-in" | "cis2-role" | "ncrs-landing";

export interface JourneyChoice {
  user: string;
  authenticator?: string;
  /** Role to pick if CIS2 shows its role page. */
  role?: string;
  /** CIS2 failure scenario for this sign-in. */
  scenario?: string;
  /** Press "Confirm and continue" on NCRS's landing page (default true). */
  confirm?: boolean;
}

export interface JourneyEnd {
  page: Page;
  seen: Seen[];
}

/** A new browser with an empty cookie jar that follows every redirect. */
export function newBrowser(): Browser {
  return new Browser("about:never");
}

/** The confirmation form's action and launch id, when the page is NCRS's landing page. */
export function landingForm(page: Page): { action: URL; launch: string } | undefined {
  const form =
    /<form method="post" action="([^"]+)"[^>]*>(?:(?!<\/form>)[\s\S])*id="confirm-current-role"/.exec(
      page.html,
    );
  if (!form?.[1]) return undefined;
  const launch = /<input type="hidden" name="launch" value="([^"]+)"/.exec(form[0])?.[1] ?? "";
  return { action: new URL(form[1], page.url), launch };
}

async function answer(browser: Browser, page: Page, choice: JourneyChoice): Promise<Page | undefined> {
  const kind = pageKind(page);
  let step: Awaited<ReturnType<Browser["go"]>> | undefined;
  if (kind === "sign-in") {
    step = await browser.submit(page, {
      user: choice.user,
      authenticator: choice.authenticator ?? "smartcard-identity-agent",
      sim_scenario: choice.scenario ?? "",
    });
  } else if (kind === "role" && choice.role) {
    step = await browser.submit(page, { role: choice.role });
  } else {
    const landing = landingForm(page);
    if (landing && choice.confirm !== false)
      step = await browser.go(landing.action, { launch: landing.launch });
  }
  if (step?.kind === "callback") throw new Error(`unexpected stop at ${step.url.href}`);
  return step?.page;
}

function seenOn(page: Page): Seen | undefined {
  const kind = pageKind(page);
  if (kind === "sign-in") return "cis2-sign-in";
  if (kind === "role") return "cis2-role";
  return landingForm(page) ? "ncrs-landing" : undefined;
}

/** Follows a link (a launch, a change of role) through to the page where the journey ends. */
export async function follow(
  browser: Browser,
  url: string | URL,
  choice: JourneyChoice,
): Promise<JourneyEnd> {
  const seen: Seen[] = [];
  const first = await browser.go(url);
  if (first.kind !== "page") throw new Error(`unexpected stop at ${first.url.href}`);
  let page = first.page;
  for (let turn = 0; turn < 6; turn++) {
    const kind = seenOn(page);
    if (kind) seen.push(kind);
    const next = await answer(browser, page, choice);
    if (!next) return { page, seen };
    page = next;
  }
  throw new Error("the journey did not end");
}

/** The NHS number the patient page shows (in its `data-testid="ncrs-patient-nhs-number"` element). */
export function shownNhsNumber(html: string): string | undefined {
  return /data-testid="ncrs-patient-nhs-number"[^>]*>([^<]*)</.exec(html)?.[1];
}

/** The page's `<title>` text. */
export function titleOf(html: string): string {
  return /<title[^>]*>([^<]*)<\/title>/.exec(html)?.[1]?.trim() ?? "";
}

/** The page's first `<h1>` text. */
export function headingOf(html: string): string {
  return /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1]?.trim() ?? "";
}

export interface SimulatorPair {
  cis2: Cis2Simulator;
  ncrs: NcrsSimulator;
  /** The launch URL for an NHS number under the default template. */
  launchUrl(nhsNumber: string): string;
  close(): Promise<void>;
}

/** Starts a CIS2 simulator and an NCRS simulator signing users in with it, both on free ports. */
export async function startSimulators(
  options: Partial<Omit<NcrsSimulatorOptions, "cis2">> = {},
): Promise<SimulatorPair> {
  const cis2 = await startCis2Simulator({ port: 0 });
  const ncrs = await startNcrsSimulator({
    port: 0,
    cis2: { issuer: cis2.issuer, controlBaseUrl: cis2.baseUrl },
    ...options,
  });
  return {
    cis2,
    ncrs,
    launchUrl: (nhsNumber) => `${ncrs.origin}/nationalcarerecordsservice/launch?nhsNumber=${nhsNumber}`,
    close: async () => {
      await ncrs.close();
      await cis2.close();
    },
  };
}
