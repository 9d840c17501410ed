import { describe, expect, it } from "vitest";
import { AddressLimiter } from "./address-limiter.ts";

describe("AddressLimiter", () => {
  it("allows each address its share a minute, and a new share the next minute", () => {
    let now = 0;
    const limiter = new AddressLimiter({ perMinute: 2, now: () => now });
    expect([limiter.hit("a"), limiter.hit("a"), limiter.hit("a"), limiter.hit("b")]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect([limiter.exceeded("a"), limiter.exceeded("b")]).toEqual([true, false]);
    now = 60_000;
    expect([limiter.exceeded("a"), limiter.hit("a")]).toEqual([false, true]);
  });

  it("forgets the oldest addresses first when it holds too many", () => {
    const limiter = new AddressLimiter({ perMinute: 1, maxAddresses: 2, now: () => 0 });
    limiter.hit("a");
    limiter.hit("b");
    limiter.hit("c");
    expect([limiter.exceeded("a"), limiter.exceeded("b"), limiter.exceeded("c")]).toEqual([
      false,
      true,
      true,
    ]);
  });
});
