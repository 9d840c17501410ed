/**
 * The EPR in Debian's Chromium against a tiny fake NCRS Connect written here: the journey helpers
 * connect it and follow the desktop link through its CSP (the form post and the same-origin
 * script must both be allowed), and its pages pass axe-core's rules.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickDesktopLink, connectEpr, openEprPatient } from "./journey.ts";
import { type EprSimulator, startEprSimulator } from "./server.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];

let server: Server;
let ncrs: string;
let epr: EprSimulator;
let browser: Browser;
const launches: string[] = [];

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** Authorizes at once, issues a token, accepts every hand-over, and shows what a launch posted. */
function fakeNcrsConnect(): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const json = (value: unknown, status = 200) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === "/oauth/authorize") {
      const back = new URL(url.searchParams.get("redirect_uri") ?? "");
      back.search = new URLSearchParams({ code: "c", state: url.searchParams.get("state") ?? "" }).toString();
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === "/oauth/token")
      return json({
        access_token: "t",
        token_type: "Bearer",
        expires_in: 600,
        scope: "patient-context launch",
      });
    if (url.pathname === "/api/v1/patient-contexts")
      return json(
        {
          contextId: "x",
          contextToken: "ctx",
          patientUrl: "/p",
          mustConfirm: true,
          verification: { status: "needs_confirmation" },
          differences: [
            { field: "birthDate", label: "Date of birth", sent: "1984-03-15", pds: "1984-03-14" },
          ],
        },
        201,
      );
    if (url.pathname === "/context-launch" && req.method === "POST") {
      launches.push(new URLSearchParams(await body(req)).get("launch_token") ?? "");
      res.writeHead(200, { "content-type": "text/html" });
      return res.end("<!DOCTYPE html><title>launched</title><h1>Context launch received</h1>");
    }
    json({ error: { code: "not_found", message: "no" } }, 404);
  });
}

beforeAll(async () => {
  server = fakeNcrsConnect().listen(0, "127.0.0.1");
  await once(server, "listening");
  ncrs = `http://localhost:${(server.address() as AddressInfo).port}`;
  [epr, browser] = await Promise.all([
    startEprSimulator({ port: 0, ncrsConnectUrl: ncrs, clientSecret: "browser-test-secret-0123456789" }),
    chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await epr?.close();
  server?.closeAllConnections();
  server?.close();
});

async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations as { id: string; nodes: { target: string[] }[] }[];
  });
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

/** CSP violations the page reports to its console. */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

describe("the EPR in a browser", () => {
  it("connects, then follows the desktop link into a tab that posts the launch to NCRS Connect", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = cspViolations(page);
    await openEprPatient(page, epr.origin, "RVR100002");
    await connectEpr(page, epr.origin);
    await page.getByTestId("epr-differences").waitFor();
    expect(await page.getByTestId("epr-verification").textContent()).toBe("needs_confirmation");
    const tab = await clickDesktopLink(page, ncrs);
    const tabViolations = cspViolations(tab);
    await tab.getByRole("heading", { name: "Context launch received" }).waitFor();
    expect(launches.at(-1)?.split(".")).toHaveLength(3);
    expect(violations).toEqual([]);
    expect(tabViolations).toEqual([]);
    await context.close();
  });

  it("passes axe on the patient list and a patient page, connected and not", async () => {
    // axe is injected as inline script, which the EPR's CSP rightly refuses.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(epr.origin);
    expect(await accessibilityProblems(page)).toEqual([]);
    await openEprPatient(page, epr.origin, "RVR100004");
    expect(await accessibilityProblems(page)).toEqual([]);
    await connectEpr(page, epr.origin);
    expect(await accessibilityProblems(page)).toEqual([]);
    await context.close();
  });
});
