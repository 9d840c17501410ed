/**
 * The SMART EHR launch in Debian's Chromium: "Open NCRS Connect" opens a tab at a tiny app made
 * here, which sends that tab to the EHR's authorize; the EPR session's cookie makes it the EPR
 * user's, and the tab comes back to the app's callback with a code that trades for the patient.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickSmartLaunch, openEprPatient } from "./journey.ts";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { closedPort } from "./test-support/client.ts";
import { pkcePair, SmartClient } from "./test-support/smart-client.ts";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];
const SECRET = "browser-smart-app-secret-0123";
const PKCE = pkcePair();

let app: Server;
let appOrigin: string;
let epr: EprSimulator;
let browser: Browser;

/** A confidential app: its launch URL discovers the EHR and sends the browser to authorize. */
function tinyApp(): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", appOrigin);
    if (url.pathname === "/launch") {
      const iss = url.searchParams.get("iss") ?? "";
      const client = new SmartClient(epr.origin, {
        clientId: "tiny-app",
        secret: SECRET,
        redirectUri: `${appOrigin}/callback`,
      });
      const config = await client.discover(iss);
      const target = client.authorizeUrl(config, {
        iss,
        launch: url.searchParams.get("launch") ?? "",
        state: "tiny-state",
        codeChallenge: PKCE.challenge,
      });
      res.writeHead(302, { location: target.href });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!DOCTYPE html><title>tiny app</title><h1>Back at the app</h1>");
  });
}

beforeAll(async () => {
  app = tinyApp().listen(0, "127.0.0.1");
  await once(app, "listening");
  appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  [epr, browser] = await Promise.all([
    startEprSimulator({
      port: 0,
      ncrsConnectUrl: `http://localhost:${await closedPort()}`,
      clientSecret: "browser-smart-secret-0123456",
      smartApps: [
        {
          clientId: "tiny-app",
          launchUrl: `${appOrigin}/launch`,
          redirectUris: [`${appOrigin}/callback`],
          auth: { method: "client_secret_basic", secret: SECRET },
        },
      ],
    }),
    chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await epr?.close();
  app?.closeAllConnections();
  app?.close();
});

describe("the SMART launch in a browser", () => {
  it("opens the app in a new tab, authorizes as the EPR user and comes back with a code for the patient", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openEprPatient(page, epr.origin, "RVR100003");
    const tab = await clickSmartLaunch(page, { clientId: "tiny-app", appOrigin });
    await tab.waitForURL((url) => url.pathname === "/callback");
    await tab.getByRole("heading", { name: "Back at the app" }).waitFor();
    const back = new URL(tab.url());
    expect(back.searchParams.get("state")).toBe("tiny-state");
    const client = new SmartClient(epr.origin, {
      clientId: "tiny-app",
      secret: SECRET,
      redirectUri: `${appOrigin}/callback`,
    });
    const config = await client.discover(epr.smart.iss);
    const answer = await client.token(config, {
      code: back.searchParams.get("code") ?? "",
      verifier: PKCE.verifier,
    });
    expect(answer.body).toMatchObject({ patient: "RVR100003", encounter: "enc-RVR100003" });
    expect(epr.smart.requests().map((r) => r.endpoint)).toEqual([
      "launch",
      "smart-configuration",
      "authorize",
      "smart-configuration",
      "token",
    ]);
    await context.close();
  });
});
