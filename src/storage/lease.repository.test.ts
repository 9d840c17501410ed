import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, openTestDatabase, type TestDatabase } from "../../test/support/databases.ts";
import { SqlLease } from "./lease.repository.ts";

describe.each(dialects)("named leases (%s)", (dialect) => {
  let t: TestDatabase;
  let lease: SqlLease;
  const at = (ms: number) => new Date(1_800_000_000_000 + ms);

  beforeAll(async () => {
    t = await openTestDatabase(dialect);
    lease = new SqlLease(t.database.db);
  });
  afterAll(() => t.drop());

  it("has one holder until it expires, is renewed by its holder, then another takes it", async () => {
    expect(await lease.acquire("poller", "a", at(0), 1000)).toBe(true);
    expect(await lease.acquire("poller", "b", at(10), 1000)).toBe(false);
    expect(await lease.acquire("poller", "a", at(900), 1000)).toBe(true);
    expect(await lease.acquire("poller", "b", at(1500), 1000)).toBe(false);
    expect(await lease.holder("poller", at(1500))).toBe("a");
    expect(await lease.acquire("poller", "b", at(1900), 1000)).toBe(true);
    expect(await lease.holder("poller", at(1901))).toBe("b");
    expect(await lease.acquire("poller", "a", at(1902), 1000)).toBe(false);
  });

  it("lets exactly one of many racing instances take a free lease", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => lease.acquire("race", `i${i}`, at(0), 5000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("is free at once after its holder releases it, and others cannot release it", async () => {
    expect(await lease.acquire("release", "a", at(0), 60_000)).toBe(true);
    await lease.release("release", "b");
    expect(await lease.holder("release", at(1))).toBe("a");
    await lease.release("release", "a");
    expect(await lease.holder("release", at(2))).toBeNull();
    expect(await lease.acquire("release", "b", at(3), 60_000)).toBe(true);
  });
});
