/**
 * `patient-page-with-pointers`: a verified patient's page with "Records held elsewhere" served
 * from a warm pointer cache (three pointers listed; NRL never called during the load) against
 * the same page from the same product without the panel (NRL not configured), measured in turns,
 * five rounds each, in the same run. Target ratio ≥ 0.9: the panel costs almost nothing once
 * cached.
 */
import { startNrlSimulator } from "../simulators/nrl/server.ts";
import { checkWithPds, decide, selectPatient } from "../test/support/patients.ts";
import { type LoadResult, load } from "./lib/load.ts";
import { type Product, startProduct } from "./lib/product.ts";
import { type BenchResult, result } from "./lib/result.ts";

const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Selects and verifies the demo patient; the patient page's address. */
async function verifiedPage(product: Product): Promise<string> {
  const page = await selectPatient(product.agent, product.baseUrl, "999 100 0054", "RX1-000101");
  const verified = await product.agent.follow(
    await decide(product.agent, await checkWithPds(product.agent, product.baseUrl, page), "confirm"),
  );
  if (!verified.body.includes("Verified with PDS")) throw new Error("the patient could not be verified");
  return page.url;
}

async function nrlRequests(origin: string): Promise<number> {
  return ((await (await fetch(`${origin}/_sim/requests`)).json()) as { requests: unknown[] }).requests.length;
}

export async function patientPageWithPointers(): Promise<BenchResult> {
  const nrl = await startNrlSimulator({ port: 0 });
  const withPanel = await startProduct({
    NRL_BASE_URL: nrl.baseUrl,
    NRL_AUTH: "none",
    NRL_CACHE_SECONDS: "3600",
  });
  const without = await startProduct();
  try {
    const panelUrl = await verifiedPage(withPanel);
    const plainUrl = await verifiedPage(without);
    const warm = await (await fetch(panelUrl, { headers: { cookie: withPanel.cookie } })).text();
    if (!warm.includes('data-testid="records-list"') || !warm.includes("Mental health crisis plan"))
      throw new Error("patient-page-with-pointers: the panel did not list the pointers");
    const plain = await (await fetch(plainUrl, { headers: { cookie: without.cookie } })).text();
    if (plain.includes('data-testid="records-elsewhere"'))
      throw new Error("patient-page-with-pointers: the baseline shows the panel");
    const asked = await nrlRequests(nrl.origin);
    const product: LoadResult[] = [];
    const baseline: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const p = await load({
        url: panelUrl,
        headers: { cookie: withPanel.cookie, accept: "text/html" },
        seconds: 3,
      });
      const b = await load({
        url: plainUrl,
        headers: { cookie: without.cookie, accept: "text/html" },
        seconds: 3,
      });
      if (p.non2xx + p.errors + b.non2xx + b.errors > 0)
        throw new Error(`patient-page-with-pointers: pages failed under load: ${JSON.stringify({ p, b })}`);
      product.push(p);
      baseline.push(b);
    }
    const calls = (await nrlRequests(nrl.origin)) - asked;
    if (calls !== 0) throw new Error(`patient-page-with-pointers: page views called NRL ${calls} times`);
    const ratios = product.map((p, i) => p.requestsPerSecond / (baseline[i]?.requestsPerSecond ?? 1));
    const rate = (rs: LoadResult[]) => median(rs.map((r) => r.requestsPerSecond));
    return result("patient-page-with-pointers", "req/s", rate(product), rate(baseline), 0.9, true, {
      rounds: ROUNDS,
      roundRatioMin: Math.round(Math.min(...ratios) * 1000) / 1000,
      roundRatioMedian: Math.round(median(ratios) * 1000) / 1000,
      roundRatioMax: Math.round(Math.max(...ratios) * 1000) / 1000,
      productP99Ms: median(product.map((r) => r.p99Ms)),
      baselineP99Ms: median(baseline.map((r) => r.p99Ms)),
      productPageBytes: warm.length,
      baselinePageBytes: plain.length,
    });
  } finally {
    await Promise.all([withPanel.stop(), without.stop()]);
    await nrl.close();
  }
}
