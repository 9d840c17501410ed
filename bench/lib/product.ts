/**
 * The product as a benchmark target: the CIS2 and PDS simulators in this process, the service as
 * a child process through its real entry point (src/main.ts), and a signed-in browser's cookies.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCis2Simulator } from "../../simulators/cis2/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { HttpAgent } from "../../test/support/http-agent.ts";
import { signIn, USERS } from "../../test/support/sign-in.ts";
import { freePort } from "../../test/support/stack.ts";
import { startNode } from "./processes.ts";

const CLIENT_ID = "900000000008.ncrs-connect.bench.apps";

export interface Product {
  readonly baseUrl: string;
  readonly pds: PdsSimulator;
  readonly agent: HttpAgent;
  /** The cookies a signed-in browser sends back. */
  readonly cookie: string;
  stop(): Promise<void>;
}

export async function startProduct(env: Record<string, string> = {}): Promise<Product> {
  const [cis2, pds] = await Promise.all([startCis2Simulator({ port: 0 }), startPdsSimulator({ port: 0 })]);
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
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
      NCRS_LAUNCH_TEMPLATE: "http://localhost:3999/nationalcarerecordsservice/launch?nhsNumber={nhsNumber}",
      DEV_ALLOW_HTTP: "true",
      DEV_SEED_DEMO_PATIENTS: "true",
      LOG_LEVEL: "info",
      ...env,
    },
    `${baseUrl}/healthz`,
  );
  const stop = async () => {
    await app.stop();
    await Promise.all([cis2.close(), pds.close()]);
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
    return { baseUrl, pds, agent, cookie, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
