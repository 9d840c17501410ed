import { describe, expect, it } from "vitest";
import { demographicsErrors } from "../patients/demographics.errors.ts";
import { AppError } from "../platform/errors.ts";
import { decideRetry, failureCode, retryDelayMs } from "./retry-policy.ts";

const policy = { maxAttempts: 5, baseMs: 1000, maxMs: 10_000 };
const now = new Date("2026-05-01T09:00:00Z");

describe("retrying failed events", () => {
  it("backs off exponentially, capped, never less than half the step", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it("retries upstream failures until the last attempt, then dead-letters with the reason", () => {
    const unavailable = new AppError(demographicsErrors.unavailable);
    expect(decideRetry(unavailable, 1, now, policy, () => 0)).toEqual({
      kind: "retry",
      at: new Date(now.getTime() + 500),
    });
    expect(decideRetry(unavailable, 4, now, policy, () => 0).kind).toBe("retry");
    expect(decideRetry(unavailable, 5, now, policy)).toEqual({
      kind: "dead",
      reason: "pds.unavailable (after 5 attempts)",
    });
  });

  it("gives up at once on a request PDS refused as invalid, and retries the unexpected", () => {
    expect(decideRetry(new AppError(demographicsErrors.rejected), 1, now, policy)).toEqual({
      kind: "dead",
      reason: "pds.rejected",
    });
    expect(decideRetry(new Error("database gone"), 1, now, policy).kind).toBe("retry");
    expect(failureCode(new Error("x"))).toBe("internal");
  });
});
