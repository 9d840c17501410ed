/**
 * The PDS client's resilience against the PDS simulator over real HTTP: retries that keep the
 * request id and honour Retry-After, the circuit breaker, coalescing, the cache, and the rate
 * limit (checked by the simulator's own count of the busiest second and its spike arrest).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectedCheckDigit, type NhsNumber, nhsNumber } from "../../patients/nhs-number.ts";
import { AppError } from "../../platform/errors.ts";
import { PdsClient, type PdsClientOptions } from "./pds-client.ts";
import {
  manualClock,
  type PdsSimulatorProcess,
  startPdsSimulatorProcess,
  testClientOptions,
} from "./pds-simulator.test-support.ts";

let sim: PdsSimulatorProcess;
beforeAll(async () => {
  sim = await startPdsSimulatorProcess();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

/** A client whose retry waits are recorded in `log` (with each attempt) instead of spent. */
function recordingClient(overrides: Partial<PdsClientOptions> = {}) {
  const log: string[] = [];
  const sleeps: number[] = [];
  const pds = new PdsClient(
    testClientOptions(sim.baseUrl, {
      sleep: async (ms) => {
        sleeps.push(ms);
        log.push(`sleep ${ms}`);
      },
      onCall: (e) => log.push(`attempt ${e.attempt} ${e.outcome} ${e.status}`),
      ...overrides,
    }),
  );
  return { pds, log, sleeps };
}

const read = (pds: PdsClient, number: string, refresh?: boolean) =>
  pds.read(nhsNumber(number), { correlationId: "corr", ...(refresh === undefined ? {} : { refresh }) });

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

/** Valid numbers from the never-issued 999 range that the simulator does not hold (404 each). */
function unheldNumbers(count: number): NhsNumber[] {
  const out: NhsNumber[] = [];
  for (let n = 999_300_001; out.length < count; n++) {
    const check = expectedCheckDigit(String(n));
    if (check !== undefined) out.push(nhsNumber(`${n}${check}`));
  }
  return out;
}

describe("retries", () => {
  it("retries a 429 with the same X-Request-ID and succeeds", async () => {
    const { pds, log } = recordingClient();
    expect(await read(pds, "9992000007")).toMatchObject({ kind: "found" });
    const requests = await sim.requests();
    expect(requests.map((r) => r.status)).toEqual([429, 200]);
    expect(requests[0]?.headers["x-request-id"]).toBe(requests[1]?.headers["x-request-id"]);
    expect(log).toEqual([
      "attempt 1 rate_limited 429",
      expect.stringMatching(/^sleep \d+$/),
      "attempt 2 found 200",
    ]);
  });

  it("retries a 503 after its Retry-After, with the same X-Request-ID", async () => {
    const { pds, log } = recordingClient();
    expect(await read(pds, "9992000015")).toMatchObject({ kind: "found" });
    const requests = await sim.requests();
    expect(requests.map((r) => r.status)).toEqual([503, 200]);
    expect(requests[0]?.headers["x-request-id"]).toBe(requests[1]?.headers["x-request-id"]);
    expect(log).toEqual(["attempt 1 unavailable 503", "sleep 5000", "attempt 2 found 200"]);
  });

  it("gives up on a lasting 429 after maxAttempts with pds.busy, backing off within the jitter caps", async () => {
    const { pds, sleeps } = recordingClient({ maxAttempts: 3, retry: { baseDelayMs: 40, maxDelayMs: 1000 } });
    const error = await failure(read(pds, "9992000023"));
    expect(error.code).toBe("pds.busy");
    const requests = await sim.requests();
    expect(requests.map((r) => r.status)).toEqual([429, 429, 429]);
    expect(new Set(requests.map((r) => r.headers["x-request-id"])).size).toBe(1);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThan(40);
    expect(sleeps[1]).toBeLessThan(80);
  });

  it("gives up on a lasting 503 after maxAttempts with pds.unavailable", async () => {
    const { pds, sleeps } = recordingClient({ maxAttempts: 3 });
    const error = await failure(read(pds, "9992000031"));
    expect(error.code).toBe("pds.unavailable");
    expect((await sim.requests()).map((r) => r.status)).toEqual([503, 503, 503]);
    expect(sleeps).toEqual([5000, 5000]);
  });

  it("fails at once when PDS asks for a longer wait than the client allows", async () => {
    const { pds, sleeps } = recordingClient({ retry: { maxRetryAfterMs: 1000 } });
    expect((await failure(read(pds, "9992000031"))).code).toBe("pds.unavailable");
    expect(await sim.requests()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("reports attempts to onCall without NHS numbers", async () => {
    const events: unknown[] = [];
    const { pds } = recordingClient({ onCall: (e) => events.push(e) });
    await read(pds, "9992000015");
    expect(events).toEqual([
      { outcome: "unavailable", status: 503, attempt: 1, durationMs: expect.any(Number) },
      { outcome: "found", status: 200, attempt: 2, durationMs: expect.any(Number) },
    ]);
    expect(JSON.stringify(events)).not.toContain("9992000015");
  });
});

describe("circuit breaker", () => {
  it("opens after consecutive failures, answers without calling PDS, then tries once and closes", async () => {
    const clock = manualClock();
    const states: string[] = [];
    const { pds } = recordingClient({
      clock,
      maxAttempts: 1,
      circuit: { failureThreshold: 2, resetAfterMs: 10_000 },
      onCircuitChange: (t) => states.push(t.to),
    });
    await sim.setScenario("unavailable");
    for (const number of ["9000000009", "9991000038"])
      expect((await failure(read(pds, number))).code).toBe("pds.unavailable");
    expect(pds.circuitState).toBe("open");
    expect((await failure(read(pds, "9991000046"))).code).toBe("pds.circuit_open");
    expect((await sim.stats()).requests).toBe(2);

    clock.advance(10_000);
    expect(pds.circuitState).toBe("half_open");
    expect((await failure(read(pds, "9991000046"))).code).toBe("pds.unavailable");
    expect((await failure(read(pds, "9991000046"))).code).toBe("pds.circuit_open");
    expect((await sim.stats()).requests).toBe(3);

    await sim.setScenario(null);
    clock.advance(10_000);
    expect(await read(pds, "9991000046")).toMatchObject({ kind: "found" });
    expect(pds.circuitState).toBe("closed");
    expect(states).toEqual(["open", "half_open", "open", "half_open", "closed"]);
  });

  it("counts not-found, invalidated and superseded reads as PDS working", async () => {
    const { pds } = recordingClient({
      maxAttempts: 1,
      circuit: { failureThreshold: 2, resetAfterMs: 60_000 },
    });
    expect((await failure(read(pds, "9992000031"))).code).toBe("pds.unavailable");
    for (const number of ["9993000000", "9991000011", "9991000003"]) {
      await read(pds, number);
      expect((await failure(read(pds, "9992000031"))).code).toBe("pds.unavailable");
    }
    expect(pds.circuitState).toBe("closed");
  });

  it("does not count reads refused for want of a rate-limit turn", async () => {
    const { pds } = recordingClient({
      maxQueueWaitMs: 0,
      circuit: { failureThreshold: 1, resetAfterMs: 60_000 },
    });
    const [first, ...rest] = await Promise.allSettled(
      unheldNumbers(3).map((n) => pds.read(n, { correlationId: "c" })),
    );
    expect(first?.status).toBe("fulfilled");
    for (const r of rest) expect(r.status === "rejected" && (r.reason as AppError).code).toBe("pds.busy");
    expect(pds.circuitState).toBe("closed");
    expect((await sim.stats()).requests).toBe(1);
  });
});

describe("coalescing and cache", () => {
  it("makes one request for 100 concurrent reads of one number", async () => {
    const { pds } = recordingClient();
    const results = await Promise.all(Array.from({ length: 100 }, () => read(pds, "9000000009")));
    expect(new Set(results).size).toBe(1);
    expect((await sim.stats()).requests).toBe(1);
  });

  it("makes one request per patient for a burst of 1,000 reads of 10 patients", async () => {
    const { pds } = recordingClient();
    const numbers = unheldNumbers(10);
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => pds.read(numbers[i % 10] as NhsNumber, { correlationId: "c" })),
    );
    const stats = await sim.stats();
    expect(stats.requests).toBe(10);
    expect(Object.values(stats.byNhsNumber)).toEqual(Array(10).fill(1));
  });

  it("serves repeat reads from the cache until expiry; refresh and clearCache go back to PDS", async () => {
    const clock = manualClock();
    const { pds } = recordingClient({ clock, cacheSeconds: 60 });
    const first = await read(pds, "9993000000");
    expect(await read(pds, "9993000000")).toBe(first);
    expect((await sim.stats()).requests).toBe(1);
    clock.advance(59_999);
    expect(await read(pds, "9993000000")).toBe(first);
    expect((await sim.stats()).requests).toBe(1);
    clock.advance(1);
    await read(pds, "9993000000");
    expect((await sim.stats()).requests).toBe(2);
    await read(pds, "9993000000", true);
    expect((await sim.stats()).requests).toBe(3);
    pds.clearCache();
    await read(pds, "9993000000");
    expect((await sim.stats()).requests).toBe(4);
  });

  it("joins a read in flight even on refresh", async () => {
    const { pds } = recordingClient({ cacheSeconds: 60 });
    const [a, b] = await Promise.all([read(pds, "9000000009"), read(pds, "9000000009", true)]);
    expect(a).toBe(b);
    expect((await sim.stats()).requests).toBe(1);
  });
});

describe("rate limit", () => {
  // 30 reads at 4 per second (PDS allows 5) take about 7.5 s; the simulator enforces 5 per second.
  it("never exceeds ratePerSecond in any one-second window, so PDS's spike arrest never fires", async () => {
    const { pds } = recordingClient({ ratePerSecond: 5 });
    const results = await Promise.all(unheldNumbers(30).map((n) => pds.read(n, { correlationId: "c" })));
    expect(results.every((r) => r.kind === "not_found")).toBe(true);
    const stats = await sim.stats();
    expect(stats.requests).toBe(30);
    expect(stats.peakRatePerSecond).toBeLessThanOrEqual(5);
    expect(stats.rateLimited).toBe(0);
  });

  // 10 reads that each need a retry: 20 requests, about 5 s.
  it("counts retries against the same limit", async () => {
    await sim.setScenario("rate-limited-once");
    const { pds } = recordingClient({ ratePerSecond: 5 });
    const results = await Promise.all(unheldNumbers(10).map((n) => pds.read(n, { correlationId: "c" })));
    expect(results.every((r) => r.kind === "not_found")).toBe(true);
    const stats = await sim.stats();
    expect(stats.requests).toBe(20);
    expect(stats.peakRatePerSecond).toBeLessThanOrEqual(5);
    expect(stats.rateLimited).toBe(0);
  });
});
