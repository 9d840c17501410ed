/**
 * A point-of-care system acting for the clinician, in Chromium: the system's page links to our
 * /oauth/authorize; the browser comes back to the system's callback with a code (signing in with
 * CIS2 on the way if it had no session); the system's server exchanges the code and opens NCRS
 * through the launch API with the same checks as the button.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPatientInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const made = execFileSync(process.execPath, ["src/cli.ts", "api-client", "secret"], { encoding: "utf8" });
const SECRET = /secret \(give it to the system, once\): (\S+)/.exec(made)?.[1] ?? "";
const SECRET_SHA256 = /secretSha256 \(for API_CLIENTS\): ([0-9a-f]{64})/.exec(made)?.[1] ?? "";

let stack: Stack;
let browser: Browser;
let epr: Server;
let eprOrigin = "";
/** The patient context the system launches for, as its integration would know it. */
let contextId = "00000000-0000-4000-8000-000000000000";

/** A minimal point-of-care system: a page with the link, and a callback that launches. */
function startEpr(): Promise<void> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  epr = createServer((request, response) => {
    const url = new URL(request.url ?? "/", eprOrigin);
    if (url.pathname === "/") {
      const authorize = `${stack.baseUrl}/oauth/authorize?${new URLSearchParams({
        response_type: "code",
        client_id: "ward-epr",
        redirect_uri: `${eprOrigin}/callback`,
        code_challenge: challenge,
        code_challenge_method: "S256",
        state: "epr-state",
      })}`;
      response.setHeader("content-type", "text/html");
      response.end(
        `<!doctype html><title>Ward EPR</title><a href="${authorize.replaceAll("&", "&amp;")}">Open in NCRS</a>`,
      );
      return;
    }
    void (async () => {
      const tokenResponse = await fetch(`${stack.baseUrl}/oauth/token`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from(`ward-epr:${SECRET}`).toString("base64")}`,
        },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: url.searchParams.get("code") ?? "",
          redirect_uri: `${eprOrigin}/callback`,
          code_verifier: verifier,
        }),
      });
      const { access_token } = (await tokenResponse.json()) as { access_token?: string };
      const launched = await fetch(`${stack.baseUrl}/api/v1/launches`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${access_token ?? ""}` },
        body: JSON.stringify({ patientContextId: contextId }),
      });
      const body = (await launched.json()) as { launchUrl?: string; error?: { code: string } };
      response.setHeader("content-type", "text/html");
      response.end(
        `<!doctype html><title>Ward EPR</title><p id="state">${url.searchParams.get("state")}</p>` +
          `<p id="token">${tokenResponse.status}</p><p id="launch">${launched.status} ${body.launchUrl ?? body.error?.code}</p>`,
      );
    })();
  });
  return new Promise((resolve) =>
    epr.listen(0, "127.0.0.1", () => {
      eprOrigin = `http://127.0.0.1:${(epr.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  browser = await launchBrowser();
  // The system's address must be known before the service starts, to register it.
  await startEpr();
  stack = await startStack({
    env: {
      LAUNCH_DUPLICATE_WINDOW_SECONDS: "0",
      API_CLIENTS: JSON.stringify([
        { id: "ward-epr", secretSha256: SECRET_SHA256, redirectUris: [`${eprOrigin}/callback`] },
      ]),
    },
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await new Promise((resolve) => epr?.close(resolve));
});

describe("a point-of-care system acting for the clinician, in Chromium", () => {
  it("signs the clinician in on the way, then opens NCRS for the patient they verified", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(eprOrigin);
    await page.getByRole("link", { name: "Open in NCRS" }).click();
    // No session with us yet: our start page, then CIS2, then on to the system.
    await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
    await page.getByLabel(new RegExp(`\\(${USERS.singleRole}\\)`)).check();
    await page.getByLabel(/Security key/).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${eprOrigin}/callback?**`);
    expect(await page.locator("#state").textContent()).toBe("epr-state");
    expect(await page.locator("#token").textContent()).toBe("200");
    // Authenticated, but there is no patient selection yet to launch for.
    expect(await page.locator("#launch").textContent()).toBe("409 launch.stale_context");

    // The clinician selects and verifies the patient, and the system launches for that selection.
    await openPatientInBrowser(page, stack.baseUrl, "999 100 0054", /Select HARTLEY, Oscar/);
    contextId = new URL(page.url()).pathname.split("/")[2] ?? "";
    await page.goto(eprOrigin);
    await page.getByRole("link", { name: "Open in NCRS" }).click();
    await page.waitForURL(`${eprOrigin}/callback?**`);
    expect(await page.locator("#launch").textContent()).toMatch(/^201 .*9991000054/);
    await context.close();
  });
});
