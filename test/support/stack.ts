/**
 * The whole thing for a test: a CIS2 simulator and the app, both on free ports, with a fresh
 * database of the chosen dialect and the app's log captured so tests can read it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type Cis2Simulator, startCis2Simulator } from "../../simulators/cis2/server.ts";
import {
  mergeApiClients,
  mergeSmartEhrs,
  newClientSecret,
  smartEhrEntry,
} from "../../simulators/epr/registration.ts";
import { type EprSimulator, startEprSimulator } from "../../simulators/epr/server.ts";
import { type LocalMesh, startLocalMesh } from "../../simulators/mesh/local-mesh.ts";
import type { MeshSimulator } from "../../simulators/mesh/server.ts";
import { type MnsSimulator, startMnsSimulator } from "../../simulators/mns/server.ts";
import { type NcrsSimulator, startNcrsSimulator } from "../../simulators/ncrs/server.ts";
import { type NrlSimulator, startNrlSimulator } from "../../simulators/nrl/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { type BuiltApp, buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { createLogger } from "../../src/platform/logger.ts";
import type { Dialect } from "../../src/storage/database.ts";
import { freshDatabaseUrl } from "./databases.ts";

export const TEST_CLIENT_ID = "900000000009.ncrs-connect.test.apps";
/** The MNS simulator signs its deliveries with this; the app is configured to accept it. */
export const TEST_MNS_SECRET = "stack-test-mns-signing-secret";
/** The app's application on the simulated API platform, whose PDS demands its access tokens. */
export const TEST_APIM_API_KEY = "stack-test-apim-api-key";

export interface Stack {
  readonly baseUrl: string;
  readonly cis2: Cis2Simulator;
  readonly pds: PdsSimulator;
  readonly ncrs: NcrsSimulator;
  readonly mns: MnsSimulator;
  /** Only with `mesh: true`: the MESH simulator MNS delivers into and the app polls. */
  readonly mesh?: MeshSimulator;
  /** NRL behind the same API platform as PDS (its tokens are the platform's). */
  readonly nrl: NrlSimulator;
  /** Only with `epr: true`: the EPR simulator, registered in API_CLIENTS and SMART_EHRS. */
  readonly epr?: EprSimulator;
  readonly built: BuiltApp;
  /** Every JSON log line the app wrote. */
  readonly logs: Record<string, unknown>[];
  /** Registers the app with the CIS2 simulator again (which also drops the simulator's cached copy of our keys). */
  reregisterClient(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  readonly dialect?: Dialect;
  readonly env?: Readonly<Record<string, string>>;
  readonly tokenTimeoutDelayMs?: number;
  /** Start the EPR simulator too, handing over to this app and registered as an API client. */
  readonly epr?: boolean;
  /** MNS delivers into a MESH simulator's mailbox, which the app polls (MNS_DELIVERY=mesh). */
  readonly mesh?: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const cis2 = await startCis2Simulator({
    port: 0,
    tokenTimeoutDelayMs: options.tokenTimeoutDelayMs ?? 30_000,
  });
  const pds = await startPdsSimulator({
    port: 0,
    slowDelayMs: 2000,
    // PDS behind the API platform: every read needs a token got with our signed JWT, or (with
    // PDS_AUTH=user) one exchanged for the user's CIS2 ID token.
    platform: {
      applications: [{ apiKey: TEST_APIM_API_KEY, jwksUrl: `${baseUrl}/.well-known/jwks.json` }],
      cis2: { issuer: cis2.issuer },
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), "ncrs-stack-"));
  const mesh: LocalMesh | undefined = options.mesh
    ? await startLocalMesh({ port: 0, dir: join(dataDir, "mesh") })
    : undefined;
  const [ncrs, mns] = await Promise.all([
    startNcrsSimulator({ port: 0, cis2: { issuer: cis2.issuer, controlBaseUrl: cis2.baseUrl } }),
    startMnsSimulator({
      port: 0,
      endpoint: `${baseUrl}/api/v1/events/mns`,
      secret: TEST_MNS_SECRET,
      pdsOrigin: pds.origin,
      retryDelayMs: 100,
      ...(mesh ? { mesh: mesh.mnsDelivery } : {}),
    }),
  ]);
  const nrl = await startNrlSimulator({
    port: 0,
    slowDelayMs: 2000,
    ...(pds.checkAccessToken ? { checkAccessToken: pds.checkAccessToken } : {}),
  });
  const epr = options.epr
    ? await startEprSimulator({
        port: 0,
        ncrsConnectUrl: baseUrl,
        clientSecret: newClientSecret(),
        formActionOrigins: [ncrs.origin, cis2.issuer],
      })
    : undefined;
  const database = await freshDatabaseUrl(options.dialect ?? "sqlite");
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    CIS2_ISSUER: cis2.issuer,
    CIS2_CLIENT_ID: TEST_CLIENT_ID,
    CIS2_HTTP_TIMEOUT_MS: "2000",
    PDS_BASE_URL: pds.baseUrl,
    PDS_TIMEOUT_MS: "1000",
    PDS_MAX_RETRY_WAIT_MS: "200",
    PDS_AUTH: "application",
    APIM_TOKEN_URL: pds.tokenUrl ?? "",
    APIM_API_KEY: TEST_APIM_API_KEY,
    APIM_KEY_BITS: "2048",
    NCRS_LAUNCH_TEMPLATE: ncrs.launchTemplate,
    MNS_SIGNING_SECRETS: TEST_MNS_SECRET,
    NRL_BASE_URL: nrl.baseUrl,
    NRL_TIMEOUT_MS: "1000",
    EVENTS_WORKER_POLL_MS: "50",
    EVENTS_NOTIFY_POLL_MS: "100",
    DEV_ALLOW_HTTP: "true",
    DEV_SEED_DEMO_PATIENTS: "true",
    DEV_SIMULATED_SERVICES: "cis2,pds,ncrs,mns",
    RATE_LIMIT_SIGN_IN_PER_MINUTE: "1000",
    ...(mesh
      ? {
          ...mesh.serviceEnv,
          MESH_POLL_SECONDS: "1",
          MESH_LEASE_SECONDS: "3",
          DEV_SIMULATED_SERVICES: "cis2,pds,ncrs,mns,mesh",
        }
      : {}),
    ...options.env,
    ...(epr
      ? {
          API_CLIENTS: mergeApiClients(options.env?.["API_CLIENTS"], epr.registration),
          SMART_EHRS: mergeSmartEhrs(options.env?.["SMART_EHRS"], smartEhrEntry(epr)),
        }
      : {}),
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const built = await buildApp({ config, logger: createLogger("info", sink) });
  await built.app.listen({ port, host: "127.0.0.1" });
  // Each registration differs (by name), so the simulator builds a new client and forgets the keys
  // it had fetched: what happens when a real CIS2's cache of our JWKS expires.
  let registrations = 0;
  const register = () =>
    cis2.registerClient({
      client_id: TEST_CLIENT_ID,
      client_name: `NCRS Connect (test, registration ${++registrations})`,
      token_endpoint_auth_method: "private_key_jwt",
      jwks_uri: `${baseUrl}/.well-known/jwks.json`,
      jwks_uri_signing_algorithm: config.cis2SigningAlg,
      redirect_uris: [`${baseUrl}/auth/callback`],
      backchannel_logout_uri: `${baseUrl}/auth/backchannel-logout`,
      post_logout_redirect_uris: [`${baseUrl}/auth/logged-out`],
    });
  await register();
  return {
    baseUrl,
    cis2,
    pds,
    ncrs,
    mns,
    ...(mesh ? { mesh: mesh.mesh } : {}),
    nrl,
    ...(epr ? { epr } : {}),
    built,
    logs,
    reregisterClient: register,
    async close() {
      await built.close();
      await cis2.close();
      await pds.close();
      await ncrs.close();
      await mns.close();
      await mesh?.mesh.close();
      await nrl.close();
      await epr?.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
