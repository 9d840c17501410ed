/**
 * A page through the whole product against a bare Fastify route (no plugins, no session, no
 * security headers, no logging) rendering the same template with the same data, measured one after
 * the other in the same run. What the product's request pipeline adds is the difference.
 */
import { freePort } from "../../test/support/stack.ts";
import { type LoadResult, load } from "./load.ts";
import { startNode } from "./processes.ts";
import { type BenchResult, result } from "./result.ts";

export interface PageComparison {
  readonly bench: string;
  readonly target: number;
  readonly url: string;
  readonly cookie: string;
  readonly template: string;
  readonly context: Record<string, unknown>;
}

const ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Alternates product and baseline for several rounds and compares medians, so a burst of load
 * from elsewhere on a shared machine lands on both sides instead of skewing one.
 */
export async function pageVsBare(c: PageComparison): Promise<BenchResult> {
  const port = await freePort();
  const bare = await startNode(
    "bench/servers/bare-page.ts",
    { PORT: String(port), BENCH_TEMPLATE: c.template, BENCH_PAGE_CONTEXT: JSON.stringify(c.context) },
    `http://127.0.0.1:${port}/page`,
  );
  const product: LoadResult[] = [];
  const baseline: LoadResult[] = [];
  let bytes = { product: 0, baseline: 0 };
  try {
    // Both sides must serve the same page: their sizes are reported, and a big gap fails the run.
    bytes = {
      product: (await (await fetch(c.url, { headers: { cookie: c.cookie, accept: "text/html" } })).text())
        .length,
      baseline: (await (await fetch(`http://127.0.0.1:${port}/page`)).text()).length,
    };
    if (Math.abs(bytes.product - bytes.baseline) > 0.1 * bytes.product)
      throw new Error(`${c.bench}: the baseline does not render the same page: ${JSON.stringify(bytes)}`);
    for (let round = 0; round < ROUNDS; round++) {
      const p = await load({ url: c.url, headers: { cookie: c.cookie, accept: "text/html" }, seconds: 3 });
      if (p.non2xx > 0 || p.errors > 0)
        throw new Error(`${c.bench}: the page failed under load: ${JSON.stringify(p)}`);
      product.push(p);
      baseline.push(await load({ url: `http://127.0.0.1:${port}/page`, seconds: 3 }));
    }
  } finally {
    await bare.stop();
  }
  const rate = (rs: LoadResult[]) => median(rs.map((r) => r.requestsPerSecond));
  return result(c.bench, "req/s", rate(product), rate(baseline), c.target, true, {
    productP99Ms: median(product.map((r) => r.p99Ms)),
    baselineP99Ms: median(baseline.map((r) => r.p99Ms)),
    productP50Ms: median(product.map((r) => r.p50Ms)),
    baselineP50Ms: median(baseline.map((r) => r.p50Ms)),
    rounds: ROUNDS,
    productPageBytes: bytes.product,
    baselinePageBytes: bytes.baseline,
  });
}

/** What every page's layout needs, as the product provides it for a signed-in clinician. */
export function layoutContext(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    serviceName: "NCRS Connect",
    stylesheetUrl: "/static/app.css",
    cspNonce: "0123456789abcdef0123456789abcdef",
    csrfToken: "token-token-token-token-token",
    developmentBanner: "Simulated national services and unsafe switches are on.",
    navigation: [{ href: "/patients", text: "Find a patient", current: true }],
    user: {
      name: "Amelia Hart",
      roleName: "Clinical Practitioner Access Role",
      orgName: "Riverside Community Health NHS Trust (test)",
      orgCode: "Y90001",
      canAdmin: false,
      canClinical: true,
    },
    idle: { expiresAt: new Date().toISOString(), warningSeconds: 120 },
    ...extra,
  };
}
