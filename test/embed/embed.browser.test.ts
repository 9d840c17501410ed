/**
 * The embeddable button in Chromium, on a host page of another site (127.0.0.1 against our
 * localhost) with a strict Content-Security-Policy like a real EPR's, loading the module with the
 * manifest's integrity hash: a click opens the NCRS simulator's tab on the patient; the keyboard
 * reaches the button and Enter launches; the host page with the button passes axe; and the button's
 * styles apply under the host's policy with nothing reported as a violation.
 */

import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bearerFor, makeApiClient } from "../support/api-client.ts";
import { launchBrowser, signInInBrowser } from "../support/browser.ts";
import { HttpAgent } from "../support/http-agent.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const NHS = "https://fhir.nhs.uk/Id/nhs-number";
const CLIENT = makeApiClient();

let stack: Stack;
let browser: Browser;
let host: Server;
let hostOrigin: string;
let integrity: string;
/** What the host page shows next: the button's attributes, keyed by the path the test opens. */
const pages = new Map<string, { token: string; name: string; confirm?: boolean }>();
const contexts: BrowserContext[] = [];
let mrn = 0;

/** A host EPR's patient page: its own strict policy, our module by integrity, the button. */
function hostPage(button: { token: string; name: string; confirm?: boolean }): string {
  const ours = stack.baseUrl;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Riverside EPR: patient</title>
<script type="module" src="${ours}/embed/v1/ncrs-open-button.js" integrity="${integrity}" crossorigin="anonymous"></script>
</head>
<body>
<main>
<h1>${button.name}</h1>
<p>Ward 7, bed 3</p>
<ncrs-open-button context-token="${button.token}" display-name="${button.name}"${button.confirm ? " needs-confirmation" : ""}></ncrs-open-button>
</main>
</body>
</html>`;
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({
      env: { API_CLIENTS: JSON.stringify([CLIENT.entry]), LAUNCH_DUPLICATE_WINDOW_SECONDS: "0" },
    }),
    launchBrowser(),
  ]);
  const manifest = (await (await fetch(`${stack.baseUrl}/embed/v1/manifest.json`)).json()) as Record<
    string,
    { integrity: string }
  >;
  integrity = manifest["ncrs-open-button.js"]?.integrity ?? "";
  const cis2 = new URL(stack.cis2.issuer).origin;
  host = createServer((request, response) => {
    const button = pages.get(request.url ?? "");
    if (!button) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      // A real host's policy: no inline script or style, our origin alone for the script, and the
      // form's redirect chain (us, NCRS, CIS2) in form-action.
      "content-security-policy": `default-src 'none'; script-src ${stack.baseUrl}; style-src 'self'; img-src 'self'; form-action ${stack.baseUrl} ${stack.ncrs.origin} ${cis2}; frame-ancestors 'none'; base-uri 'none'`,
    });
    response.end(hostPage(button));
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await new Promise((resolve) => host?.close(resolve));
  await browser?.close();
  await stack?.close();
});

async function newContext(options: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context;
}

/**
 * Signs the context's browser in to us, and hands Oscar Hartley over as the host's back end would
 * (a bearer token acting for that session); returns the host page's path showing the button.
 */
async function handedOverIn(context: BrowserContext, birthDate = "1984-03-14"): Promise<string> {
  const page = await context.newPage();
  await signInInBrowser(page, stack.baseUrl, USERS.singleRole);
  const agent = new HttpAgent();
  for (const cookie of await context.cookies(stack.baseUrl))
    agent.setCookie("localhost", cookie.name, cookie.value);
  const bearer = await bearerFor(agent, stack.baseUrl, CLIENT);
  const response = await fetch(`${stack.baseUrl}/api/v1/patient-contexts`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify({
      windowId: `host-window-${++mrn}`,
      patient: {
        resourceType: "Patient",
        identifier: [
          { system: NHS, value: "9991000054" },
          { system: "https://riverside-epr.example/Id/mrn", value: `HOST-${mrn}` },
        ],
        name: [{ family: "Hartley", given: ["Oscar", "James"] }],
        birthDate,
        gender: "male",
      },
    }),
  });
  const answer = (await response.json()) as { contextToken: string; mustConfirm: boolean };
  const path = `/patients/${mrn}`;
  pages.set(path, { token: answer.contextToken, name: "Oscar Hartley", confirm: answer.mustConfirm });
  await page.close();
  return path;
}

/** Opens the host page and waits for the button to be defined; collects CSP violations reported. */
async function openHost(
  context: BrowserContext,
  path: string,
): Promise<{ page: Page; violations: string[] }> {
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|integrity/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(`${hostOrigin}${path}`);
  await page.waitForFunction(() => customElements.get("ncrs-open-button") !== undefined);
  return { page, violations };
}

async function ncrsShowsPatient(ncrs: Page): Promise<string | null> {
  await ncrs.waitForURL((url) => url.origin === stack.ncrs.origin);
  const confirmRole = ncrs.locator("#confirm-current-role");
  const shown = ncrs.getByTestId("ncrs-patient-nhs-number");
  await Promise.race([confirmRole.waitFor(), shown.waitFor()]);
  if (await confirmRole.isVisible()) await confirmRole.click();
  return shown.textContent();
}

describe("the embedded Open in NCRS button on another site's page, in Chromium", () => {
  it("a click opens NCRS on the patient in the named tab, under the host's strict policy, and says so", async () => {
    const context = await newContext();
    const path = await handedOverIn(context);
    const { page, violations } = await openHost(context, path);
    const button = page.getByRole("button", { name: "Open in NCRS for Oscar Hartley" });
    // The shadow root's styles applied although the host allows no inline style.
    expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(0, 127, 59)");
    await page.screenshot({ path: "/tmp/embed-idle.png" });
    const [ncrs] = await Promise.all([context.waitForEvent("page"), button.click()]);
    expect(await page.getByRole("status").textContent()).toBe("Launching NCRS…");
    await page.screenshot({ path: "/tmp/embed-launching.png" });
    expect(await ncrsShowsPatient(ncrs)).toBe("999 100 0054");
    await expect.poll(() => page.getByRole("status").textContent()).toBe("NCRS is opening in another tab");
    await page.screenshot({ path: "/tmp/embed-opened.png" });
    // The tab is the named NCRS tab our own pages use, and NCRS saw no Referer.
    expect(await ncrs.evaluate(() => window.name)).toBe("ncrs");
    const launches = (await (await fetch(`${stack.ncrs.origin}/_sim/launches`)).json()) as {
      referer: string | null;
    }[];
    expect(launches.at(-1)?.referer).toBeNull();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 10_000 }).toBe("");
    expect(page.getByRole("link", { name: "Having trouble opening NCRS?" })).toBeDefined();
    expect(await page.getByRole("link", { name: "Having trouble opening NCRS?" }).getAttribute("href")).toBe(
      `${stack.baseUrl}/help/ncrs-readiness`,
    );
    expect(violations).toEqual([]);
  });

  it("keyboard: Tab reaches the button, its focus is visible, and Enter opens NCRS", async () => {
    const context = await newContext();
    const path = await handedOverIn(context);
    const { page } = await openHost(context, path);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const inner = document.activeElement?.shadowRoot?.activeElement;
      return {
        host: document.activeElement?.localName,
        tag: inner?.localName,
        background: inner ? getComputedStyle(inner).backgroundColor : null,
      };
    });
    // The NHS design system's focus: yellow.
    expect(focused).toEqual({ host: "ncrs-open-button", tag: "button", background: "rgb(255, 235, 59)" });
    await page.screenshot({ path: "/tmp/embed-focus.png" });
    const [ncrs] = await Promise.all([context.waitForEvent("page"), page.keyboard.press("Enter")]);
    expect(await ncrsShowsPatient(ncrs)).toBe("999 100 0054");
  });

  it("a patient to be confirmed: the button says so, and opens our confirmation in the tab", async () => {
    const context = await newContext();
    const path = await handedOverIn(context, "1984-03-15");
    const { page } = await openHost(context, path);
    const button = page.getByRole("button", { name: "Confirm patient in NCRS Connect for Oscar Hartley" });
    await page.screenshot({ path: "/tmp/embed-confirm.png" });
    const [tab] = await Promise.all([context.waitForEvent("page"), button.click()]);
    await tab.waitForURL(/\/patient-context\//);
    expect(await tab.getByTestId("check-with-pds").isVisible()).toBe(true);
  });

  it("shared workstation: in another user's session the tab says the button belongs to another sign-in, and NCRS is not opened", async () => {
    const path = await handedOverIn(await newContext());
    const colleague = await newContext();
    await signInInBrowser(await colleague.newPage(), stack.baseUrl, USERS.admin);
    const { page } = await openHost(colleague, path);
    const [tab] = await Promise.all([
      colleague.waitForEvent("page"),
      page.getByRole("button", { name: "Open in NCRS for Oscar Hartley" }).click(),
    ]);
    await tab.getByTestId("error-title").waitFor();
    expect(await tab.getByTestId("error-title").textContent()).toBe("This button belongs to another sign-in");
    expect(await tab.getByTestId("error-code").textContent()).toBe("embed.other_session");
    expect(new URL(tab.url()).origin).toBe(stack.baseUrl);
    await tab.screenshot({ path: "/tmp/embed-other-session.png" });
  });

  it("the host page with the button has no axe violations", async () => {
    // axe is injected into the page; the host's policy (rightly) forbids that, so this context bypasses it.
    const context = await newContext({ bypassCSP: true });
    const path = await handedOverIn(context);
    const { page } = await openHost(context, path);
    await page.evaluate(AXE_SOURCE);
    const found = (await page.evaluate(async (tags) => {
      const axe = (
        globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }
      ).axe;
      return (await axe.run({ runOnly: { type: "tag", values: tags } })).violations;
    }, AXE_TAGS)) as { id: string; nodes: { target: string[] }[] }[];
    expect(found.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });
});
