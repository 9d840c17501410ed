/**
 * The product as a benchmark target: the CIS2 and PDS simulators (and, when asked, NCRS's) in this
 * process, the service as a child process through its real entry point (src/main.ts), and a
 * signed-in browser's cookies. With `{ epr: true }`, the EPR simulator too, registered as an API
 * client and as a SMART EHR.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCis2Simulator } from "../../simulators/cis2/server.ts";
import {
  mergeApiClients,
  mergeSmartEhrs,
  newClientSecret,
  smartEhrEntry,
} from "../../simulators/epr/registration.ts";
import {
  type EprSimulator,
  type SmartAppRegistration,
  startEprSimulator,
} from "../../simulators/epr/server.ts";
import { type NcrsSimulator, startNcrsSimulator } from "../../simulators/ncrs/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { HttpAgent } from "../../test/support/http-agent.ts";
import { signIn, USERS } from "../../test/support/sign-in.ts";
import { freePort } from "../../test/support/stack.ts";
import { startNode } from "./processes.ts";

const CLIENT_ID = "900000000008.ncrs-connect.bench.apps";

export interface Product {
  readonly baseUrl: string;
  readonly pds: PdsSimulator;
  /** The NCRS simulator launches go to, when started with `{ ncrs: true }`. */
  readonly ncrs: NcrsSimulator | null;
  /** The EPR simulator handing over to the service, when started with `{ epr: true }`. */
  readonly epr: EprSimulator | null;
  readonly agent: HttpAgent;
  /** The cookies a signed-in browser sends back. */
  readonly cookie: string;
  /** Where the service keeps its data, its SQLite database included (unless DATABASE_URL is given). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface ProductOptions {
  /** Start the NCRS simulator (a CIS2 client of the same CIS2 simulator) and launch into it. */
  readonly ncrs?: boolean;
  /** The PDS simulator's spike arrest (PDS's own default, 5 per second, unless given; 0 = off). */
  readonly pdsRateLimitPerSecond?: number;
  /** Start the EPR simulator (with `ncrs`, its pages may post on to NCRS and CIS2) and register it in API_CLIENTS. */
  readonly epr?: boolean;
  /** The SMART apps the EPR registers (the first is NCRS Connect, registered in SMART_EHRS). */
  readonly smartApps?: (baseUrl: string) => SmartAppRegistration[];
}

export async function startProduct(
  env: Record<string, string> = {},
  options: ProductOptions = {},
): Promise<Product> {
  const [cis2, pds] = await Promise.all([
    startCis2Simulator({ port: 0 }),
    startPdsSimulator({
      port: 0,
      ...(options.pdsRateLimitPerSecond === undefined
        ? {}
        : { rateLimitPerSecond: options.pdsRateLimitPerSecond }),
    }),
  ]);
  const ncrs = options.ncrs
    ? await startNcrsSimulator({ port: 0, cis2: { issuer: cis2.issuer, controlBaseUrl: cis2.baseUrl } })
    : null;
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const epr = options.epr
    ? await startEprSimulator({
        port: 0,
        ncrsConnectUrl: baseUrl,
        clientSecret: newClientSecret(),
        formActionOrigins: [cis2.issuer, ...(ncrs ? [ncrs.origin] : [])],
        ...(options.smartApps ? { smartApps: options.smartApps(baseUrl) } : {}),
      })
    : null;
  const dataDir = mkdtempSync(join(tmpdir(), "ncrs-bench-"));
  const app = await startNode(
    "src/main.ts",
    {
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      CIS2_ISSUER: cis2.issuer,
      CIS2_CLIENT_ID: CLIENT_ID,
      PDS_BASE_URL: pds.baseUrl,
      NCRS_LAUNCH_TEMPLATE:
        ncrs?.launchTemplate ??
        "http://localhost:3999/nationalcarerecordsservice/launch?nhsNumber={nhsNumber}",
      DEV_ALLOW_HTTP: "true",
      DEV_SEED_DEMO_PATIENTS: "true",
      LOG_LEVEL: "info",
      ...env,
      ...(epr
        ? {
            API_CLIENTS: mergeApiClients(env["API_CLIENTS"], epr.registration),
            SMART_EHRS: mergeSmartEhrs(env["SMART_EHRS"], smartEhrEntry(epr)),
          }
        : {}),
    },
    `${baseUrl}/healthz`,
  );
  const stop = async () => {
    await app.stop();
    await Promise.all([cis2.close(), pds.close(), ncrs?.close(), epr?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await cis2.registerClient({
      client_id: CLIENT_ID,
      token_endpoint_auth_method: "private_key_jwt",
      jwks_uri: `${baseUrl}/.well-known/jwks.json`,
      redirect_uris: [`${baseUrl}/auth/callback`],
    });
    const agent = new HttpAgent();
    const home = await signIn(agent, baseUrl, { user: USERS.singleRole });
    if (home.status !== 200) throw new Error(`sign-in for the benchmark failed: ${home.status}`);
    const cookie = ["ncrs_session", "ncrs_csrf", "ncrs_signin"]
      .map((n) => `${n}=${agent.cookie("localhost", n)}`)
      .join("; ");
    return { baseUrl, pds, ncrs, epr, agent, cookie, dataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
