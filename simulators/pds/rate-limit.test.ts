import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeakRate, RateLimiter, SlidingWindow } from "./rate-limit.ts";
import type { PdsSimulator } from "./server.ts";
import { control, readPatient, spineCode, startTestSimulator } from "./test-support.ts";

// Unit tests feed synthetic monotonic times, so nothing here depends on how fast the machine is.
describe("SlidingWindow", () => {
  it("counts events in the last second, excluding one exactly a second old", () => {
    const window = new SlidingWindow();
    window.add(0);
    window.add(500);
    expect(window.countAt(999)).toBe(2);
    expect(window.countAt(1000)).toBe(1);
    expect(window.countAt(1500)).toBe(0);
  });
});

describe("RateLimiter", () => {
  it("admits the limit within a second and refuses the next", () => {
    const limiter = new RateLimiter(3);
    expect([0, 10, 20, 30].map((t) => limiter.tryAdmit(t))).toEqual([true, true, true, false]);
  });

  it("admits again once the oldest admitted request leaves the window", () => {
    const limiter = new RateLimiter(2);
    limiter.tryAdmit(0);
    limiter.tryAdmit(600);
    expect(limiter.tryAdmit(999)).toBe(false);
    expect(limiter.tryAdmit(1000)).toBe(true);
    expect(limiter.tryAdmit(1001)).toBe(false);
  });

  it("does not let refused requests use up the window", () => {
    const limiter = new RateLimiter(1);
    limiter.tryAdmit(0);
    for (let t = 100; t < 1000; t += 100) expect(limiter.tryAdmit(t)).toBe(false);
    expect(limiter.tryAdmit(1000)).toBe(true);
  });

  it("admits everything when the limit is 0", () => {
    const limiter = new RateLimiter(0);
    expect(Array.from({ length: 100 }, () => limiter.tryAdmit(0)).every(Boolean)).toBe(true);
  });

  it("refuses a negative or fractional limit", () => {
    expect(() => new RateLimiter(-1)).toThrow();
    expect(() => new RateLimiter(1.5)).toThrow();
  });
});

describe("PeakRate", () => {
  it("finds the busiest sliding second, not the busiest calendar second", () => {
    const peak = new PeakRate();
    // Two arrivals late in second 0 and two early in second 1: no calendar second holds more than 2.
    for (const t of [700, 900, 1100, 1300, 2500]) peak.record(t);
    expect(peak.peak).toBe(4);
  });

  it("starts again after reset", () => {
    const peak = new PeakRate();
    peak.record(0);
    peak.record(1);
    peak.reset();
    peak.record(5000);
    expect(peak.peak).toBe(1);
  });
});

describe("spike arrest over HTTP", () => {
  let sim: PdsSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ rateLimitPerSecond: 5 });
  });
  afterAll(() => sim.close());

  it("refuses a parallel burst beyond 5 per second with 429 and no Retry-After, and counts it", async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => readPatient(sim, "9000000009")));
    const limited = responses.filter((response) => response.status === 429);
    const ok = responses.filter((response) => response.status === 200);
    // Exact counts depend on how the burst lands in time; these bounds hold however it lands.
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length + ok.length).toBe(20);
    expect(limited.every((response) => response.headers.get("retry-after") === null)).toBe(true);
    expect(await spineCode(limited[0] ?? new Response("{}"))).toBe("TOO_MANY_REQUESTS");

    const stats = (await control(sim, "GET", "/stats")).body as Record<string, unknown>;
    expect(stats["requests"]).toBe(20);
    expect(stats["rateLimited"]).toBe(limited.length);
    // A refusal means 5 were admitted in that second plus the refused one arrived: a peak of 6 or more.
    expect(stats["peakRatePerSecond"]).toBeGreaterThan(5);
  });
});
