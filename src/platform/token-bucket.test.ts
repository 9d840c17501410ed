import { describe, expect, it } from "vitest";
import { type BucketTime, TokenBucket } from "./token-bucket.ts";

/** Time that moves only when the test says, with sleepers woken in order as it passes them. */
function manualTime() {
  let now = 0;
  const sleepers: { at: number; wake: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const time: BucketTime = {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
  };
  return {
    time,
    now: () => now,
    settle,
    async advance(ms: number): Promise<void> {
      const target = now + ms;
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (!next || next.at > target) break;
        sleepers.shift();
        now = next.at;
        next.wake();
        await settle();
      }
      now = target;
      await settle();
    },
  };
}

/** Records when each take() resolves, by the manual clock. */
function track(bucket: TokenBucket, clock: { now: () => number }, maxWaitMs: number) {
  const releases: number[] = [];
  const results: boolean[] = [];
  const take = () =>
    bucket.take(maxWaitMs).then((ok) => {
      results.push(ok);
      if (ok) releases.push(clock.now());
    });
  return { releases, results, take };
}

describe("TokenBucket", () => {
  it("starts full: a burst up to the capacity goes at once", async () => {
    const clock = manualTime();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1, time: clock.time });
    const t = track(bucket, clock, 0);
    await Promise.all([t.take(), t.take(), t.take()]);
    expect(t.releases).toEqual([0, 0, 0]);
    expect(await bucket.take(0)).toBe(false);
  });

  it("makes a caller wait until the next token has been refilled", async () => {
    const clock = manualTime();
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 5, time: clock.time });
    const t = track(bucket, clock, 1000);
    void t.take();
    void t.take();
    await clock.settle();
    expect(t.releases).toEqual([0]);
    await clock.advance(199);
    expect(t.releases).toEqual([0]);
    await clock.advance(1);
    expect(t.releases).toEqual([0, 200]);
  });

  it("serves waiters in arrival order, one refill apart", async () => {
    const clock = manualTime();
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 10, time: clock.time });
    const order: number[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => bucket.take(10_000).then(() => order.push(i)));
    await clock.advance(1000);
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("never releases more than capacity + rate × W in any window of W", async () => {
    const clock = manualTime();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 4, time: clock.time });
    const t = track(bucket, clock, 60_000);
    const all = Array.from({ length: 30 }, () => t.take());
    await clock.settle();
    await clock.advance(10_000);
    await Promise.all(all);
    expect(t.releases).toHaveLength(30);
    for (const start of t.releases) {
      const inWindow = t.releases.filter((r) => r >= start && r <= start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(2 + 4);
    }
  });

  it("refuses at once, taking nothing, when the wait behind the queue would be too long", async () => {
    const clock = manualTime();
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1, time: clock.time });
    expect(await bucket.take(0)).toBe(true);
    const queued = track(bucket, clock, 1000);
    void queued.take();
    await clock.settle();
    expect(bucket.waiting).toBe(1);
    // One caller is already waiting a second, so the next one would wait two.
    expect(await bucket.take(1500)).toBe(false);
    expect(bucket.waiting).toBe(1);
    await clock.advance(1000);
    expect(queued.releases).toEqual([1000]);
  });

  it("does not store more than its capacity while idle", async () => {
    const clock = manualTime();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 10, time: clock.time });
    await clock.advance(60_000);
    expect(await bucket.take(0)).toBe(true);
    expect(await bucket.take(0)).toBe(true);
    expect(await bucket.take(0)).toBe(false);
  });

  it("rejects a capacity below one or a rate that is not positive", () => {
    expect(() => new TokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError);
  });

  it("waits on real timers when no time is injected", async () => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 50 });
    expect(await bucket.take(0)).toBe(true);
    expect(await bucket.take(1000)).toBe(true);
  });
});
