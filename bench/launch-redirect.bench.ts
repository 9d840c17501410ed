/**
 * `launch-redirect`: the audited launch (every check; the launch id spent, its outcome and its
 * audit record in one durable commit before the answer) against a bare Fastify route answering
 * 302 to a form post, in the same run, at 50 connections (the target, ≥ 0.15) and at 8 (≥ 0.08).
 * Each request presents its own launch id, issued beforehand as the patient page would. After the
 * runs, the audit records of launches are counted against the 302s counted: none may be missing
 * (and no more may be extra than the requests in flight when a run stopped).
 */

import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import autocannon from "autocannon";
import { verifiedPatientPage } from "../test/support/launch.ts";
import { contextIdOf } from "../test/support/patients.ts";
import { freePort } from "../test/support/stack.ts";
import { startNode } from "./lib/processes.ts";
import { startProduct } from "./lib/product.ts";
import { type BenchResult, result } from "./lib/result.ts";

const SECONDS = 5;
/** Enough unused ids for both runs at the rates seen here, with room to spare. */
const IDS = 24_000;

interface Run {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly redirects: number;
  readonly non3xx: number;
}

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

/** Posts launch ids from `ids` (each once, from `from` on) for SECONDS over `connections`. */
async function run(url: string, cookie: string | null, ids: string[], connections: number): Promise<Run> {
  let next = 0;
  const outcome = await autocannon({
    url,
    method: "POST",
    connections,
    duration: SECONDS,
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    requests: [{ setupRequest: (request) => ({ ...request, body: `launch_id=${ids[next++] ?? "spent"}` }) }],
  });
  ids.splice(0, next);
  return {
    rps: outcome.requests.average,
    p50: outcome.latency.p50,
    p99: outcome.latency.p99,
    redirects: outcome["3xx"] ?? 0,
    non3xx: outcome.requests.total - (outcome["3xx"] ?? 0),
  };
}

/** Audit records of launches that went ahead, read from the service's own database. */
function launchRecords(dataDir: string): number {
  const db = new DatabaseSync(join(dataDir, "ncrs-connect.db"), { readOnly: true });
  try {
    const row = db
      .prepare("SELECT count(*) AS n FROM audit_records WHERE event_type = 'launch.redirected'")
      .get();
    return Number(row?.["n"] ?? 0);
  } finally {
    db.close();
  }
}

export async function launchRedirect(): Promise<BenchResult> {
  const product = await startProduct({
    LAUNCH_DUPLICATE_WINDOW_SECONDS: "0",
    LAUNCH_ID_TTL_SECONDS: "600",
    // BENCH_PROFILE_DIR=/tmp/prof: a CPU profile of the service over the whole run.
    ...(process.env["BENCH_PROFILE_DIR"]
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env["BENCH_PROFILE_DIR"]}` }
      : {}),
  });
  try {
    const page = await verifiedPatientPage(product.agent, product.baseUrl, "999 100 0054", "RX1-000101");
    const ids = await issueIds(product.baseUrl, product.cookie, contextIdOf(page), IDS);
    const url = `${product.baseUrl}/launch`;
    const at50 = await run(url, product.cookie, ids, 50);
    const at8 = await run(url, product.cookie, ids, 8);
    for (const measured of [at50, at8])
      if (measured.non3xx > 0)
        throw new Error(
          `launch-redirect: ${measured.non3xx} launches were not redirected (too few ids issued?)`,
        );
    const recorded = launchRecords(product.dataDir);
    const redirected = at50.redirects + at8.redirects;
    // Requests still in flight when a run stops are launched and recorded but not counted: at most
    // one per connection. A 302 without its record would be a record lost.
    if (recorded < redirected || recorded > redirected + 50 + 8)
      throw new Error(`launch-redirect: ${redirected} redirects counted but ${recorded} launch records`);
    const port = await freePort();
    const bare = await startNode(
      "bench/servers/bare-redirect.ts",
      { PORT: String(port) },
      `http://127.0.0.1:${port}/`,
    );
    const spare = Array.from({ length: IDS }, (_, i) => `id-${i}`);
    const [bare50, bare8] = await (async () => {
      try {
        return [
          await run(`http://127.0.0.1:${port}/launch`, null, spare, 50),
          await run(`http://127.0.0.1:${port}/launch`, null, spare, 8),
        ];
      } finally {
        await bare.stop();
      }
    })();
    return result("launch-redirect", "req/s", at50.rps, bare50.rps, 0.15, true, {
      connections: 50,
      productP50Ms: at50.p50,
      productP99Ms: at50.p99,
      baselineP50Ms: bare50.p50,
      baselineP99Ms: bare50.p99,
      at8Rps: Math.round(at8.rps),
      at8BaselineRps: Math.round(bare8.rps),
      at8Ratio: Math.round((at8.rps / bare8.rps) * 1000) / 1000,
      at8Target: 0.08,
      at8ProductP50Ms: at8.p50,
      at8ProductP99Ms: at8.p99,
      at8BaselineP50Ms: bare8.p50,
      at8BaselineP99Ms: bare8.p99,
      redirects: redirected,
      launchRecords: recorded,
    });
  } finally {
    await product.stop();
  }
}
