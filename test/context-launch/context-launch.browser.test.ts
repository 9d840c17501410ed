/**
 * The desktop system's signed context launch in Chromium, against the CIS2 and NCRS simulators: a
 * signed-out user's browser opens the desktop URL (an encrypted token in the address), signs in
 * with CIS2, lands on our patient page (NCRS is not opened by itself), clicks "Open in NCRS", and
 * NCRS shows that patient. The refusal pages are photographed for review.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeApiClient } from "../support/api-client.ts";
import { launchBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { encryptTo, type SigningKey, signingKey, signLaunch } from "./context-launch-support.ts";

const CLIENT = makeApiClient("riverside-desktop");
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** axe's findings on the page as it is now (rule ids), as the accessibility suite checks every page. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (o: unknown) => Promise<{ violations: { id: string }[] }> };
      }
    ).axe;
    return (await axe.run({ runOnly: { type: "tag", values: tags } })).violations.map((v) => v.id);
  }, AXE_TAGS);
}
let stack: Stack;
let browser: Browser;
let key: SigningKey;

beforeAll(async () => {
  key = await signingKey("desktop-1");
  [stack, browser] = await Promise.all([
    startStack({
      env: { API_CLIENTS: JSON.stringify([{ ...CLIENT.entry, jwks: { keys: [key.publicJwk] } }]) },
    }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const desktopUrl = async (claims: Record<string, unknown> = {}) => {
  const jws = await signLaunch(key, CLIENT.id, `${stack.baseUrl}/context-launch`, { claims });
  return `${stack.baseUrl}/context-launch?${new URLSearchParams({ launch_token: await encryptTo(stack.baseUrl, jws) })}`;
};

describe("the signed context launch in Chromium", () => {
  it("a signed-out user opens the desktop link, signs in with CIS2, lands on the patient and opens NCRS on them", async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const ncrsBefore = ((await (await fetch(`${stack.ncrs.origin}/_sim/launches`)).json()) as unknown[])
      .length;
    await page.goto(await desktopUrl({ window_id: "desktop-journey" }));
    // CIS2's sign-in page, straight away: the launch waits for us.
    await page.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).check();
    await page.getByLabel(/Security key/).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(/\/patient-context\/[A-Za-z0-9_-]+$/);
    expect(await page.getByTestId("banner-name").textContent()).toContain("HARTLEY");
    // No click, no launch.
    expect(((await (await fetch(`${stack.ncrs.origin}/_sim/launches`)).json()) as unknown[]).length).toBe(
      ncrsBefore,
    );
    expect(page.url()).not.toContain("launch_token");
    const [ncrs] = await Promise.all([
      context.waitForEvent("page"),
      page.getByTestId("open-in-ncrs").click(),
    ]);
    await ncrs.waitForURL((url) => url.href !== "about:blank");
    await ncrs.waitForLoadState();
    await ncrs.locator("#confirm-current-role").click();
    expect(await ncrs.getByTestId("ncrs-patient-nhs-number").textContent()).toBe("999 100 0054");
    await context.close();
  });

  it("refusal pages: another user's launch, a plain token in the address, an expired launch (screenshots, axe)", async () => {
    // axe is injected into the page; the CSP (rightly) forbids that, so this context bypasses it.
    const context = await browser.newContext({ bypassCSP: true });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(await desktopUrl({ user_hint: USERS.multiRole, window_id: "desktop-other" }));
    await page.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).check();
    await page.getByLabel(/Security key/).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(/\/context-launch\/continue\//);
    expect(await page.getByTestId("error-title").textContent()).toBe("This launch is for another user");
    await page.screenshot({ path: "/tmp/context-launch-other-user.png", fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    const plain = await signLaunch(key, CLIENT.id, `${stack.baseUrl}/context-launch`);
    await page.goto(`${stack.baseUrl}/context-launch?${new URLSearchParams({ launch_token: plain })}`);
    expect(await page.getByTestId("error-code").textContent()).toBe("context_launch.encryption_required");
    await page.screenshot({ path: "/tmp/context-launch-encryption-required.png", fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    const now = Math.floor(Date.now() / 1000);
    const expired = await signLaunch(key, CLIENT.id, `${stack.baseUrl}/context-launch`, {
      iat: now - 400,
      exp: now - 100,
    });
    await page.goto(
      `${stack.baseUrl}/context-launch?${new URLSearchParams({ launch_token: await encryptTo(stack.baseUrl, expired) })}`,
    );
    expect(await page.getByTestId("error-code").textContent()).toBe("context_launch.expired");
    await page.screenshot({ path: "/tmp/context-launch-expired.png", fullPage: true });
    await context.close();
  });
});
