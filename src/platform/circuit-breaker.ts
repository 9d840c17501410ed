/**
 * A circuit breaker: after `failureThreshold` consecutive failures it opens and refuses calls at
 * once, so a service that is down is not hammered and callers do not each wait out its time-outs.
 * After `resetAfterMs` it lets one trial call through (half-open); the trial's success closes it,
 * its failure opens it again for another `resetAfterMs`.
 *
 * Callers ask for a permit before each call and settle it with the outcome. A "neutral" outcome
 * (e.g. the call never reached the service) neither counts as a failure nor proves the service
 * healthy.
 */

export type CircuitState = "closed" | "open" | "half_open";

export interface CircuitTransition {
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** Consecutive failures when the transition happened. */
  readonly failures: number;
}

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly resetAfterMs: number;
  /** Milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** Told of every state change, e.g. to log it or set a gauge. */
  readonly onTransition?: (transition: CircuitTransition) => void;
}

/** The right to make one call; settle it exactly once (later settlements are ignored). */
export interface CircuitPermit {
  success(): void;
  failure(): void;
  neutral(): void;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #resetAfterMs: number;
  readonly #now: () => number;
  readonly #onTransition: (transition: CircuitTransition) => void;
  #state: CircuitState = "closed";
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;
  /** Bumped each time the circuit opens, so late outcomes of calls let in before then are ignored. */
  #epoch = 0;

  constructor(options: CircuitBreakerOptions) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1)
      throw new RangeError(`failureThreshold must be a whole number ≥ 1, got ${options.failureThreshold}`);
    if (!(options.resetAfterMs >= 0))
      throw new RangeError(`resetAfterMs must be ≥ 0, got ${options.resetAfterMs}`);
    this.#threshold = options.failureThreshold;
    this.#resetAfterMs = options.resetAfterMs;
    this.#now = options.now ?? (() => Date.now());
    this.#onTransition = options.onTransition ?? (() => {});
  }

  /** The current state; an open circuit whose wait is over reads as half-open. */
  get state(): CircuitState {
    if (this.#state === "open" && this.#now() - this.#openedAt >= this.#resetAfterMs) return "half_open";
    return this.#state;
  }

  /** A permit for one call, or null when the circuit refuses it (open, or a trial already running). */
  tryAcquire(): CircuitPermit | null {
    const state = this.state;
    if (state === "closed") return this.#permit(false);
    if (state === "open" || this.#trialInFlight) return null;
    if (this.#state !== "half_open") this.#move("half_open");
    this.#trialInFlight = true;
    return this.#permit(true);
  }

  #permit(trial: boolean): CircuitPermit {
    let settled = false;
    const epoch = this.#epoch;
    const settle = (outcome: "success" | "failure" | "neutral") => {
      if (settled) return;
      settled = true;
      if (trial) this.#trialInFlight = false;
      if (epoch === this.#epoch) this.#record(outcome, trial);
    };
    return {
      success: () => settle("success"),
      failure: () => settle("failure"),
      neutral: () => settle("neutral"),
    };
  }

  #record(outcome: "success" | "failure" | "neutral", trial: boolean): void {
    if (outcome === "neutral") return;
    if (outcome === "success") {
      this.#failures = 0;
      if (this.#state !== "closed") this.#move("closed");
      return;
    }
    this.#failures++;
    // A failed trial reopens at once; calls let through while closed count towards the threshold.
    if (trial || (this.#state === "closed" && this.#failures >= this.#threshold)) {
      this.#openedAt = this.#now();
      this.#epoch++;
      this.#move("open");
    }
  }

  #move(to: CircuitState): void {
    const from = this.#state;
    this.#state = to;
    this.#onTransition({ from, to, failures: this.#failures });
  }
}
