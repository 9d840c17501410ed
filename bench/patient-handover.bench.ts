/**
 * `patient-handover`: `POST /api/v1/patient-contexts` for a known patient, each with a fresh PDS
 * check (the sent date of birth differs from PDS's, so no earlier verification can be reused and
 * every hand-over asks PDS and waits for the user's confirmation), through the whole product: the
 * session, CSRF, FHIR Patient reading, the patient index, a new context, the PDS read over HTTP,
 * the stored check and two durable audit records. Concurrent reads of the same NHS number share one
 * PDS request (the client coalesces reads in flight), as they would in production. Against a bare Fastify route parsing the same
 * body. PDS's spike arrest (5 a second per application in production) is off on both the simulator
 * and our client, or it alone would set the rate: this measures our pipeline. Target ≥ 0.3.
 */
import { randomUUID } from "node:crypto";
import { csrfTokenIn } from "../test/support/http-agent.ts";
import { freePort } from "../test/support/stack.ts";
import { type LoadResult, load } from "./lib/load.ts";
import { startNode } from "./lib/processes.ts";
import { startProduct } from "./lib/product.ts";
import { type BenchResult, result } from "./lib/result.ts";

const ROUNDS = 3;

/** Each hand-over from its own window, as from many workstations: one window's hand-overs supersede each other. */
const bodyFor = () => JSON.stringify({ ...HANDOVER, windowId: `bench-${randomUUID()}` });
const HANDOVER = {
  patient: {
    resourceType: "Patient",
    identifier: [
      { system: "https://fhir.nhs.uk/Id/nhs-number", value: "9991000054" },
      { system: "https://riverside-epr.example/Id/mrn", value: "EPR-BENCH-1" },
    ],
    name: [{ use: "official", family: "Hartley", given: ["Oscar", "James"], prefix: ["Mr"] }],
    birthDate: "1984-03-15",
    gender: "male",
    address: [{ use: "home", line: ["12 Elm Grove", "Headingley", "LEEDS"], postalCode: "LS6 2AB" }],
  },
  windowId: "bench-window",
  encounter: { reference: "Encounter/bench" },
};
const BODY = JSON.stringify(HANDOVER);

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function patientHandover(): Promise<BenchResult> {
  const product = await startProduct(
    {
      PDS_RATE_LIMIT_PER_SECOND: "100000",
      PDS_CACHE_SECONDS: "0",
      ...(process.env["BENCH_PROFILE_DIR"]
        ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env["BENCH_PROFILE_DIR"]}` }
        : {}),
    },
    { pdsRateLimitPerSecond: 0 },
  );
  const port = await freePort();
  const bare = await startNode(
    "bench/servers/bare-json.ts",
    { PORT: String(port) },
    `http://127.0.0.1:${port}/handover`,
  );
  try {
    const csrf = csrfTokenIn((await product.agent.get(`${product.baseUrl}/home`)).body);
    const headers = {
      cookie: product.cookie,
      "content-type": "application/json",
      accept: "application/json",
      "x-csrf-token": csrf,
    };
    const first = await fetch(`${product.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers,
      body: BODY,
    });
    const answer = (await first.json()) as { verification?: { status?: string } };
    if (first.status !== 201 || answer.verification?.status !== "needs_confirmation")
      throw new Error(
        `patient-handover: the hand-over did not work: ${first.status} ${JSON.stringify(answer)}`,
      );
    const pdsBefore = await pdsRequests(product.pds.origin);
    const productRuns: LoadResult[] = [];
    const baselineRuns: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const p = await load({
        url: `${product.baseUrl}/api/v1/patient-contexts`,
        method: "POST",
        headers,
        bodyFor,
        seconds: 3,
      });
      if (p.non2xx > 0 || p.errors > 0)
        throw new Error(`patient-handover: failed under load: ${JSON.stringify(p)}`);
      productRuns.push(p);
      baselineRuns.push(
        await load({
          url: `http://127.0.0.1:${port}/handover`,
          method: "POST",
          headers: { "content-type": "application/json" },
          bodyFor,
          seconds: 3,
        }),
      );
    }
    const checks = (await pdsRequests(product.pds.origin)) - pdsBefore;
    const handovers = productRuns.reduce((n, r) => n + r.requests, 0);
    // Every hand-over makes its own check, never from the cache; reads of the same number that are
    // in flight together share one request to PDS (the client coalesces them), so there are fewer.
    if (checks === 0) throw new Error("patient-handover: no hand-over asked PDS");
    const rate = (rs: LoadResult[]) => median(rs.map((r) => r.requestsPerSecond));
    return result("patient-handover", "req/s", rate(productRuns), rate(baselineRuns), 0.3, true, {
      productP50Ms: median(productRuns.map((r) => r.p50Ms)),
      productP99Ms: median(productRuns.map((r) => r.p99Ms)),
      baselineP99Ms: median(baselineRuns.map((r) => r.p99Ms)),
      pdsReads: checks,
      handovers,
      rounds: ROUNDS,
    });
  } finally {
    await bare.stop();
    await product.stop();
  }
}

async function pdsRequests(origin: string): Promise<number> {
  return ((await (await fetch(`${origin}/_sim/stats`)).json()) as { requests: number }).requests;
}
