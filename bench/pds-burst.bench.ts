/**
 * `pds-burst`: 1,000 verification reads (as "Check details with PDS" makes them: always asking PDS
 * afresh) for 50 distinct patients, at once, through the PDS adapter against the simulator.
 * value = calls PDS received, baseline = distinct patients; target ratio ≤ 1.0 (concurrent reads of
 * one number share one call). The peak request rate PDS saw is reported and must not exceed the
 * configured limit (5 per second).
 */

import { startPdsSimulator } from "../simulators/pds/server.ts";
import { noAccessToken } from "../src/national/pds/access-token.ts";
import { PdsClient } from "../src/national/pds/pds-client.ts";
import { expectedCheckDigit, nhsNumber } from "../src/patients/nhs-number.ts";
import { type BenchResult, result } from "./lib/result.ts";

const LIMIT = 5;
const READS = 1000;

/** 50 valid NHS numbers the simulator answers (found or not found: both are one call each). */
function patients(): string[] {
  const known = [
    "9000000009",
    "9000000025",
    "9000000033",
    "9693632109",
    "9732110317",
    "9733162043",
    "9991000054",
    "9991000046",
    "9991000038",
    "9991000062",
    "9991000070",
    "9991000100",
  ];
  const unknown: string[] = [];
  for (let n = 999_300_001; known.length + unknown.length < 50; n++) {
    const check = expectedCheckDigit(String(n));
    if (check !== undefined) unknown.push(`${n}${check}`);
  }
  return [...known, ...unknown];
}

export async function pdsBurst(): Promise<BenchResult> {
  const pds = await startPdsSimulator({ port: 0, rateLimitPerSecond: LIMIT });
  try {
    const client = new PdsClient({
      baseUrl: pds.baseUrl,
      tokenSource: noAccessToken,
      timeoutMs: 5000,
      ratePerSecond: LIMIT,
      maxQueueWaitMs: 60_000,
      maxAttempts: 3,
      cacheSeconds: 60,
      circuit: { failureThreshold: 5, resetAfterMs: 30_000 },
    });
    const numbers = patients();
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: READS }, (_, i) =>
        client.read(nhsNumber(numbers[i % numbers.length] as string), {
          correlationId: `bench-${i}`,
          refresh: true,
        }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    const failed = outcomes.filter((o) => o.status === "rejected").length;
    const stats = (await (await fetch(`${pds.origin}/_sim/stats`)).json()) as {
      requests: number;
      peakRatePerSecond: number;
      rateLimited: number;
    };
    const outcome = result("pds-burst", "PDS calls", stats.requests, numbers.length, 1.0, false, {
      reads: READS,
      failedReads: failed,
      peakPdsRatePerSecond: stats.peakRatePerSecond,
      configuredLimitPerSecond: LIMIT,
      refusedByPdsRateLimit: stats.rateLimited,
      seconds: Math.round(seconds * 10) / 10,
    });
    const withinLimit = stats.peakRatePerSecond <= LIMIT && stats.rateLimited === 0 && failed === 0;
    return { ...outcome, pass: outcome.pass && withinLimit };
  } finally {
    await pds.close();
  }
}
