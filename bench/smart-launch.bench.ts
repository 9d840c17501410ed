/**
 * `smart-launch`: in Chromium, already signed in to NCRS Connect and with the patient's PDS answer
 * fresh, from the EHR's launch redirect (the browser opening `{ncrs}/smart/launch?iss&launch`)
 * until our patient page has loaded, against the EHR simulator's own authorize-and-token round
 * trip measured alone: the same browser opening the EHR's authorization URL for a minimal app
 * whose redirect URI trades the code at the token endpoint and answers a small page. Ours adds
 * the launch hop, the FHIR reads (Patient, Encounter, Practitioner), the continue hop, the
 * hand-over and our page. Both apps authenticate with client_secret_basic, so the token endpoint
 * does the same work for each. A fresh launch id is made (untimed) before each round; the two
 * alternate; medians in milliseconds; target ratio ≤ 1.5.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { openEprPatient } from "../simulators/epr/journey.ts";
import type { EprSimulator } from "../simulators/epr/server.ts";
import {
  pkcePair,
  SmartClient,
  type SmartConfiguration,
} from "../simulators/epr/test-support/smart-client.ts";
import { launchBrowser, signInInBrowser } from "../test/support/browser.ts";
import { USERS } from "../test/support/sign-in.ts";
import { startProduct } from "./lib/product.ts";
import { type BenchResult, result } from "./lib/result.ts";

const ROUNDS = 15;
/** The EPR's patient who matches PDS (simulators/epr/patients.ts). */
const MRN = "RVR100001";
const SCOPE = "launch openid fhirUser patient/Patient.rs patient/Encounter.rs";
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** The minimal app: its redirect URI trades the code (client_secret_basic, PKCE) and says so. */
async function startMinimalApp(secret: string) {
  const verifiers = new Map<string, string>();
  let client: SmartClient | undefined;
  let config: SmartConfiguration | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const verifier = verifiers.get(url.searchParams.get("state") ?? "");
    const code = url.searchParams.get("code");
    if (!client || !config || !verifier || !code) return void res.writeHead(400).end("no");
    void client.token(config, { code, verifier }).then((answer) => {
      res.writeHead(answer.status === 200 ? 200 : 502, { "content-type": "text/html" });
      res.end(
        `<!doctype html><title>App</title><p data-testid="app-ready">${String(answer.body["patient"])}</p>`,
      );
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const redirectUri = `http://localhost:${(server.address() as AddressInfo).port}/cb`;
  return {
    redirectUri,
    secret,
    use(epr: EprSimulator, configuration: SmartConfiguration) {
      client = new SmartClient(epr.origin, { clientId: "minimal-app", secret, redirectUri });
      config = configuration;
    },
    /** An authorization URL for a launch, remembering its verifier by state. */
    authorizeUrl(iss: string, launch: string): string {
      const { verifier, challenge } = pkcePair();
      const state = randomBytes(16).toString("base64url");
      verifiers.set(state, verifier);
      return (client as SmartClient).authorizeUrl(config as SmartConfiguration, {
        iss,
        launch,
        scope: SCOPE,
        state,
        codeChallenge: challenge,
      }).href;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The EPR's app link, followed by hand (untimed): the launch URL it would send the browser to. */
async function launchFor(page: Page, eprOrigin: string, clientId: string): Promise<URL> {
  const answer = await page.request.get(`${eprOrigin}/patients/${MRN}/smart-launch?app=${clientId}`, {
    maxRedirects: 0,
  });
  const location = answer.headers()["location"];
  if (answer.status() !== 303 || !location)
    throw new Error(`smart-launch: the EPR answered ${answer.status()}`);
  return new URL(location);
}

export async function smartLaunch(): Promise<BenchResult> {
  const ourSecret = randomBytes(24).toString("base64url");
  const app = await startMinimalApp(randomBytes(24).toString("base64url"));
  const [product, browser] = await Promise.all([
    startProduct(
      { LAUNCH_DUPLICATE_WINDOW_SECONDS: "0" },
      {
        epr: true,
        smartApps: (baseUrl) => [
          {
            clientId: "ncrs-connect",
            launchUrl: `${baseUrl}/smart/launch`,
            redirectUris: [`${baseUrl}/smart/callback`],
            auth: { method: "client_secret_basic", secret: ourSecret },
          },
          {
            clientId: "minimal-app",
            launchUrl: `${app.redirectUri}/launch`,
            redirectUris: [app.redirectUri],
            auth: { method: "client_secret_basic", secret: app.secret },
          },
        ],
      },
    ),
    launchBrowser(),
  ]);
  const epr = product.epr as EprSimulator;
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await signInInBrowser(page, product.baseUrl, USERS.singleRole);
    await openEprPatient(page, epr.origin, MRN);
    app.use(
      epr,
      await new SmartClient(epr.origin, {
        clientId: "minimal-app",
        secret: app.secret,
        redirectUri: app.redirectUri,
      }).discover(epr.smart.iss),
    );

    const ours = async (): Promise<number> => {
      const launch = await launchFor(page, epr.origin, "ncrs-connect");
      const started = performance.now();
      await page.goto(launch.href);
      await page.waitForURL(/\/patient-context\/[A-Za-z0-9_-]+$/, { waitUntil: "load" });
      const elapsed = performance.now() - started;
      if (!/HARTLEY/i.test((await page.getByTestId("banner-name").textContent()) ?? ""))
        throw new Error("smart-launch: our page did not show the patient");
      return elapsed;
    };
    const baseline = async (): Promise<number> => {
      const launch = await launchFor(page, epr.origin, "minimal-app");
      const url = app.authorizeUrl(epr.smart.iss, launch.searchParams.get("launch") ?? "");
      const started = performance.now();
      await page.goto(url, { waitUntil: "load" });
      const elapsed = performance.now() - started;
      if ((await page.getByTestId("app-ready").textContent()) !== MRN)
        throw new Error("smart-launch: the minimal app got no patient");
      return elapsed;
    };
    // Once each, untimed: our discovery cache, the first PDS answer, the page templates.
    await ours();
    await baseline();
    const oursMs: number[] = [];
    const baselineMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        oursMs.push(await ours());
        baselineMs.push(await baseline());
      } else {
        baselineMs.push(await baseline());
        oursMs.push(await ours());
      }
    }
    return result("smart-launch", "ms", median(oursMs), median(baselineMs), 1.5, false, { rounds: ROUNDS });
  } finally {
    await browser.close();
    await product.stop();
    await app.close();
  }
}
