import { describe, expect, it } from "vitest";
import { CircuitBreaker, type CircuitPermit, type CircuitTransition } from "./circuit-breaker.ts";

function setUp(failureThreshold = 3, resetAfterMs = 1000) {
  let now = 0;
  const transitions: string[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold,
    resetAfterMs,
    now: () => now,
    onTransition: (t: CircuitTransition) => transitions.push(`${t.from}→${t.to}`),
  });
  const acquire = (): CircuitPermit => {
    const permit = breaker.tryAcquire();
    if (!permit) throw new Error("expected a permit");
    return permit;
  };
  const fail = (times: number) => {
    for (let i = 0; i < times; i++) acquire().failure();
  };
  return {
    breaker,
    transitions,
    acquire,
    fail,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures and then refuses calls", () => {
    const { breaker, fail, transitions } = setUp(3);
    fail(2);
    expect(breaker.state).toBe("closed");
    fail(1);
    expect(breaker.state).toBe("open");
    expect(breaker.tryAcquire()).toBeNull();
    expect(transitions).toEqual(["closed→open"]);
  });

  it("counts only consecutive failures: a success starts the count again", () => {
    const { breaker, fail, acquire } = setUp(3);
    fail(2);
    acquire().success();
    fail(2);
    expect(breaker.state).toBe("closed");
  });

  it("ignores neutral outcomes", () => {
    const { breaker, fail, acquire } = setUp(2);
    fail(1);
    acquire().neutral();
    expect(breaker.state).toBe("closed");
    fail(1);
    expect(breaker.state).toBe("open");
  });

  it("lets exactly one trial through once the reset time has passed, and closes on its success", () => {
    const { breaker, fail, advance, transitions } = setUp(1, 1000);
    fail(1);
    advance(999);
    expect(breaker.tryAcquire()).toBeNull();
    advance(1);
    expect(breaker.state).toBe("half_open");
    const trial = breaker.tryAcquire();
    expect(trial).not.toBeNull();
    expect(breaker.tryAcquire()).toBeNull();
    trial?.success();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(transitions).toEqual(["closed→open", "open→half_open", "half_open→closed"]);
  });

  it("reopens for another full wait when the trial fails", () => {
    const { breaker, fail, advance, acquire } = setUp(1, 1000);
    fail(1);
    advance(1000);
    acquire().failure();
    expect(breaker.state).toBe("open");
    advance(999);
    expect(breaker.tryAcquire()).toBeNull();
    advance(1);
    expect(breaker.state).toBe("half_open");
  });

  it("allows another trial after a neutral one", () => {
    const { breaker, fail, advance, acquire } = setUp(1, 1000);
    fail(1);
    advance(1000);
    acquire().neutral();
    expect(breaker.state).toBe("half_open");
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it("ignores the late outcome of a call let in before the circuit opened", () => {
    const { breaker, acquire, fail } = setUp(2);
    const slow = acquire();
    fail(2);
    slow.success();
    expect(breaker.state).toBe("open");
  });

  it("settles a permit once", () => {
    const { breaker, acquire } = setUp(2);
    const permit = acquire();
    permit.failure();
    permit.failure();
    expect(breaker.state).toBe("closed");
  });

  it("rejects a threshold below one", () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, resetAfterMs: 1 })).toThrow(RangeError);
  });
});
