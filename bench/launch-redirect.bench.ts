/**
 * `launch-redirect`: the audited launch (every check, the launch record and the audit record
 * durable before the answer) against a bare Fastify route answering 302 to a form post, in the same
 * run. Each request presents its own launch id, issued beforehand as the patient page would.
 * Throughput ratio; target ≥ 0.5.
 */
import autocannon from "autocannon";
import { verifiedPatientPage } from "../test/support/launch.ts";
import { contextIdOf } from "../test/support/patients.ts";
import { freePort } from "../test/support/stack.ts";
import { startNode } from "./lib/processes.ts";
import { startProduct } from "./lib/product.ts";
import { type BenchResult, result } from "./lib/result.ts";

const SECONDS = 5;
const IDS = 12_000;

async function issueIds(
  baseUrl: string,
  cookie: string,
  contextId: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const batch = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${baseUrl}/patient-context/${contextId}/launch-id`, {
          headers: { cookie, accept: "application/json" },
        }).then((r) => r.json() as Promise<{ launchId: string }>),
      ),
    );
    ids.push(...batch.map((b) => b.launchId));
  }
  return ids;
}

async function run(
  url: string,
  cookie: string | null,
  ids: string[],
): Promise<{ rps: number; p99: number; non3xx: number }> {
  let next = 0;
  const outcome = await autocannon({
    url,
    method: "POST",
    connections: 8,
    duration: SECONDS,
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    requests: [
      { setupRequest: (request) => ({ ...request, body: `launch_id=${ids[next++ % ids.length]}` }) },
    ],
  });
  return {
    rps: outcome.requests.average,
    p99: outcome.latency.p99,
    non3xx: outcome.requests.total - (outcome["3xx"] ?? 0),
  };
}

export async function launchRedirect(): Promise<BenchResult> {
  const product = await startProduct({ LAUNCH_DUPLICATE_WINDOW_SECONDS: "0", LAUNCH_ID_TTL_SECONDS: "600" });
  try {
    const page = await verifiedPatientPage(product.agent, product.baseUrl, "999 100 0054", "RX1-000101");
    const ids = await issueIds(product.baseUrl, product.cookie, contextIdOf(page), IDS);
    const measured = await run(`${product.baseUrl}/launch`, product.cookie, ids);
    if (measured.non3xx > 0)
      throw new Error(
        `launch-redirect: ${measured.non3xx} launches were not redirected (more requests than issued ids?)`,
      );
    const port = await freePort();
    const bare = await startNode(
      "bench/servers/bare-redirect.ts",
      { PORT: String(port) },
      `http://127.0.0.1:${port}/`,
    );
    const baseline = await run(`http://127.0.0.1:${port}/launch`, null, ids).finally(() => bare.stop());
    return result("launch-redirect", "req/s", measured.rps, baseline.rps, 0.5, true, {
      productP99Ms: measured.p99,
      baselineP99Ms: baseline.p99,
      launchIdsIssued: IDS,
    });
  } finally {
    await product.stop();
  }
}
