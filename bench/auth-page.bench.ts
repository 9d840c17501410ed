/**
 * `auth-page`: an authenticated page through the whole product (session lookup in the database,
 * activity touch, role and permissions, security headers with a CSP nonce, CSRF token, metrics,
 * request logging) against a bare Fastify route rendering the same page. Throughput ratio; p99s
 * reported. Target ≥ 0.6.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCis2Simulator } from "../simulators/cis2/server.ts";
import { startPdsSimulator } from "../simulators/pds/server.ts";
import { HttpAgent } from "../test/support/http-agent.ts";
import { signIn, USERS } from "../test/support/sign-in.ts";
import { freePort } from "../test/support/stack.ts";
import { load } from "./lib/load.ts";
import { startNode } from "./lib/processes.ts";
import { type BenchResult, result } from "./lib/result.ts";

const CLIENT_ID = "900000000008.ncrs-connect.bench.apps";

export async function authPage(): Promise<BenchResult> {
  const cis2 = await startCis2Simulator({ port: 0 });
  const pds = await startPdsSimulator({ port: 0 });
  const [appPort, barePort] = [await freePort(), await freePort()];
  const baseUrl = `http://localhost:${appPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), "ncrs-bench-"));
  const app = await startNode(
    "src/main.ts",
    {
      PORT: String(appPort),
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      CIS2_ISSUER: cis2.issuer,
      PDS_BASE_URL: pds.baseUrl,
      CIS2_CLIENT_ID: CLIENT_ID,
      DEV_ALLOW_HTTP: "true",
      LOG_LEVEL: "info",
    },
    `${baseUrl}/healthz`,
  );
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
    // Everything a browser would send back: the session and the CSRF secret cookies.
    const cookie = ["ncrs_session", "ncrs_csrf", "ncrs_signin"]
      .map((name) => `${name}=${agent.cookie("localhost", name)}`)
      .join("; ");
    const product = await load({ url: `${baseUrl}/home`, headers: { cookie, accept: "text/html" } });
    if (product.non2xx > 0 || product.errors > 0)
      throw new Error(`authenticated page failed under load: ${JSON.stringify(product)}`);

    const bare = await startNode(
      "bench/servers/bare-page.ts",
      { PORT: String(barePort), BENCH_PAGE_CONTEXT: JSON.stringify(pageContext()) },
      `http://127.0.0.1:${barePort}/home`,
    );
    const baseline = await load({ url: `http://127.0.0.1:${barePort}/home` }).finally(() => bare.stop());
    return result("auth-page", "req/s", product.requestsPerSecond, baseline.requestsPerSecond, 0.6, true, {
      productP99Ms: product.p99Ms,
      baselineP99Ms: baseline.p99Ms,
      productP50Ms: product.p50Ms,
      baselineP50Ms: baseline.p50Ms,
    });
  } finally {
    await app.stop();
    await cis2.close();
    await pds.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The same data the real home page renders with. */
function pageContext(): Record<string, unknown> {
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
  return {
    serviceName: "NCRS Connect",
    stylesheetUrl: "/static/app.css",
    cspNonce: "0123456789abcdef",
    csrfToken: "token",
    user: {
      name: "Amelia Hart",
      roleName: "Clinical Practitioner Access Role",
      orgName: "Riverside",
      orgCode: "Y90001",
      canAdmin: false,
      canClinical: true,
    },
    idle: { expiresAt: new Date().toISOString(), warningSeconds: 120 },
    sessionRows: [
      row("Name", "Amelia Hart"),
      row("Role", "Clinical Practitioner Access Role"),
      row("Organisation", "Riverside Y90001"),
      row("Signed in with", "smartcard"),
      row("Device", "Shared workstation"),
      row("Signed in at", "22 November 2026 at 10:00"),
    ],
  };
}
