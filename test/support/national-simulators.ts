/**
 * The national services as the doctor and the MNS subscriptions CLI meet them, without the app:
 * the CIS2, PDS (behind the API platform), NCRS and MNS (with its subscription API) simulators on
 * free ports, a DATA_DIR whose `apim-client` key the platform knows (its JWKS served over real
 * HTTP, as the running service would serve it), and the environment a profile pointing at them
 * would set. Nothing is marked simulated (DEV_SIMULATED_SERVICES empty), as in INT.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Cis2Simulator, startCis2Simulator } from "../../simulators/cis2/server.ts";
import { type LocalMesh, startLocalMesh } from "../../simulators/mesh/local-mesh.ts";
import { type MnsSimulator, startMnsSimulator } from "../../simulators/mns/server.ts";
import { type NcrsSimulator, startNcrsSimulator } from "../../simulators/ncrs/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { KeyStore } from "../../src/platform/key-store.ts";

export const NATIONAL_API_KEY = "national-test-apim-api-key";
export const NATIONAL_MAILBOX = "X26ABC1";
/** The event types the product accepts by default, each approved for our application. */
export const APPROVED_TYPES = [
  "pds-record-change-2",
  "pds-death-notification-2",
  "pds-change-of-gp-2",
  "nhs-number-change-2",
];

export interface NationalSimulators {
  readonly cis2: Cis2Simulator;
  readonly pds: PdsSimulator;
  readonly ncrs: NcrsSimulator;
  readonly mns: MnsSimulator;
  /** The MESH mailbox server MNS would deliver into, with our mailbox and its certificates. */
  readonly mesh: LocalMesh;
  readonly dataDir: string;
  /** Environment for loadConfig, the CLI or src/main.ts. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

async function serveJwks(keys: KeyStore): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) =>
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(keys.publicJwks())),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startNationalSimulators(): Promise<NationalSimulators> {
  const dataDir = mkdtempSync(join(tmpdir(), "ncrs-national-"));
  const keys = await KeyStore.open(join(dataDir, "keys"), "apim-client", "RS512");
  const jwks = await serveJwks(keys);
  const [cis2, pds] = await Promise.all([
    startCis2Simulator({ port: 0 }),
    startPdsSimulator({
      port: 0,
      rateLimitPerSecond: 0,
      platform: { applications: [{ apiKey: NATIONAL_API_KEY, jwksUrl: jwks.url }] },
    }),
  ]);
  const [ncrs, mns] = await Promise.all([
    startNcrsSimulator({ port: 0, cis2: { issuer: cis2.issuer, controlBaseUrl: cis2.baseUrl } }),
    startMnsSimulator({
      port: 0,
      endpoint: "http://127.0.0.1:9/unused",
      secret: "national-test-secret",
      pdsOrigin: pds.origin,
      subscriptions: {
        bearer: (token) => pds.platform?.holderOf(token) ?? { state: "unknown", apiKey: null },
        approvals: [{ apiKey: NATIONAL_API_KEY, eventTypes: APPROVED_TYPES }],
      },
    }),
  ]);
  const mesh = await startLocalMesh({ port: 0, dir: join(dataDir, "mesh") });
  const env = {
    ...mesh.serviceEnv,
    DATA_DIR: dataDir,
    CIS2_ISSUER: cis2.issuer,
    CIS2_CLIENT_ID: "900000000010.ncrs-connect.doctor.apps",
    PDS_BASE_URL: pds.baseUrl,
    PDS_AUTH: "application",
    APIM_TOKEN_URL: pds.tokenUrl ?? "",
    APIM_API_KEY: NATIONAL_API_KEY,
    NCRS_LAUNCH_TEMPLATE: ncrs.launchTemplate,
    MNS_API_BASE_URL: `${mns.origin}/multicast-notification-service`,
    MNS_SUBSCRIPTION_MAILBOX_ID: NATIONAL_MAILBOX,
    DEV_ALLOW_HTTP: "true",
    DOCTOR_TIMEOUT_MS: "2000",
  };
  return {
    cis2,
    pds,
    ncrs,
    mns,
    mesh,
    dataDir,
    env,
    async close() {
      await Promise.all([
        cis2.close(),
        pds.close(),
        ncrs.close(),
        mns.close(),
        jwks.close(),
        mesh.mesh.close(),
      ]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
