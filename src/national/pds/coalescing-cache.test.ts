import { describe, expect, it } from "vitest";
import { CoalescingCache } from "./coalescing-cache.ts";

/** A lookup whose answers the test releases by hand, counting how often it was started. */
function controlledLoad() {
  const pending: { resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
  let calls = 0;
  const load = () => {
    calls++;
    return new Promise<string>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return {
    load,
    calls: () => calls,
    resolveNext: (value: string) => pending.shift()?.resolve(value),
    rejectNext: (error: unknown) => pending.shift()?.reject(error),
  };
}

function setUp(ttlMs = 1000, maxEntries?: number) {
  let now = 0;
  const cache = new CoalescingCache<string, string>({
    ttlMs,
    now: () => now,
    ...(maxEntries === undefined ? {} : { maxEntries }),
  });
  return {
    cache,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("CoalescingCache", () => {
  it("shares one lookup among concurrent callers of the same key", async () => {
    const { cache } = setUp();
    const source = controlledLoad();
    const reads = Array.from({ length: 50 }, () => cache.get("a", source.load));
    source.resolveNext("A");
    expect(await Promise.all(reads)).toEqual(Array(50).fill("A"));
    expect(source.calls()).toBe(1);
  });

  it("keeps a result until its expiry, then looks it up again", async () => {
    const { cache, advance } = setUp(1000);
    const source = controlledLoad();
    const first = cache.get("a", source.load);
    source.resolveNext("A1");
    await first;
    advance(999);
    expect(await cache.get("a", source.load)).toBe("A1");
    advance(1);
    const again = cache.get("a", source.load);
    source.resolveNext("A2");
    expect(await again).toBe("A2");
    expect(source.calls()).toBe(2);
  });

  it("bypasses the cached value on refresh, but joins a lookup in flight", async () => {
    const { cache } = setUp();
    const source = controlledLoad();
    const first = cache.get("a", source.load);
    const joined = cache.get("a", source.load, { refresh: true });
    source.resolveNext("A1");
    expect(await joined).toBe("A1");
    await first;
    const refreshed = cache.get("a", source.load, { refresh: true });
    source.resolveNext("A2");
    expect(await refreshed).toBe("A2");
    expect(await cache.get("a", source.load)).toBe("A2");
    expect(source.calls()).toBe(2);
  });

  it("shares a failure with the callers that joined, but never caches it", async () => {
    const { cache } = setUp();
    const source = controlledLoad();
    const reads = [cache.get("a", source.load), cache.get("a", source.load)];
    source.rejectNext(new Error("down"));
    for (const read of reads) await expect(read).rejects.toThrow("down");
    const retry = cache.get("a", source.load);
    source.resolveNext("A");
    expect(await retry).toBe("A");
    expect(source.calls()).toBe(2);
  });

  it("caches nothing with a zero lifetime", async () => {
    const { cache } = setUp(0);
    const source = controlledLoad();
    for (const value of ["A1", "A2"]) {
      const read = cache.get("a", source.load);
      source.resolveNext(value);
      expect(await read).toBe(value);
    }
    expect(source.calls()).toBe(2);
  });

  it("forgets everything on clear, including a result still on its way", async () => {
    const { cache } = setUp();
    const source = controlledLoad();
    const before = cache.get("a", source.load);
    cache.clear();
    const after = cache.get("a", source.load);
    source.resolveNext("old");
    source.resolveNext("new");
    expect(await before).toBe("old");
    expect(await after).toBe("new");
    expect(await cache.get("a", source.load)).toBe("new");
    expect(source.calls()).toBe(2);
  });

  it("drops the oldest entries beyond its size bound", async () => {
    const { cache } = setUp(60_000, 2);
    for (const key of ["a", "b", "c"]) await cache.get(key, async () => key.toUpperCase());
    let reloaded = 0;
    const load = async () => `${++reloaded}`;
    expect(await cache.get("c", load)).toBe("C");
    expect(await cache.get("b", load)).toBe("B");
    expect(await cache.get("a", load)).toBe("1");
  });

  it("turns a lookup that throws synchronously into a rejection", async () => {
    const { cache } = setUp();
    await expect(
      cache.get("a", () => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
  });
});
