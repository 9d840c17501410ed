import { describe, expect, it } from "vitest";
import { backoffDelayMs, parseRetryAfter } from "./retry.ts";

const policy = { baseDelayMs: 1000, maxDelayMs: 8000 };

describe("backoffDelayMs", () => {
  it("draws from zero up to a cap that doubles with each retry", () => {
    const almostOne = () => 0.999_999;
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy, almostOne))).toEqual([
      999, 1999, 3999, 7999,
    ]);
    expect(backoffDelayMs(1, policy, () => 0)).toBe(0);
  });

  it("never exceeds the maximum however many retries", () => {
    expect(backoffDelayMs(40, policy, () => 0.999_999)).toBe(7999);
  });

  it("spreads retries across the whole range (full jitter)", () => {
    const draws = [0.1, 0.5, 0.9];
    expect(draws.map((d) => backoffDelayMs(2, policy, () => d))).toEqual([200, 1000, 1800]);
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2025-03-01T12:00:00Z");

  it("reads delay-seconds", () => {
    expect(parseRetryAfter("5", now)).toBe(5000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP date as the time left until then", () => {
    expect(parseRetryAfter("Sat, 01 Mar 2025 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Saturday, 01-Mar-25 12:00:10 GMT", now)).toBe(10_000);
  });

  it("never returns a negative wait for a date already past", () => {
    expect(parseRetryAfter("Fri, 28 Feb 2025 12:00:00 GMT", now)).toBe(0);
  });

  it("gives undefined for absent or unreadable values, so the caller backs off by itself", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("1.5", now)).toBeUndefined();
    expect(parseRetryAfter("5 minutes", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
