/**
 * Sliding one-second windows, used twice: to refuse requests beyond the configured rate (as PDS's
 * spike arrest does, with 429 and no Retry-After) and to measure the busiest second a client
 * produced, so tests can prove the client's own throttling works. Times are monotonic
 * milliseconds supplied by the caller, which keeps these classes free of clocks.
 */

export const WINDOW_MS = 1000;

/** Timestamps seen in the last window; a window is (now − 1000 ms, now]. */
export class SlidingWindow {
  #times: number[] = [];

  /** How many events fall in the window ending at `now`. */
  countAt(now: number): number {
    while (this.#times.length > 0 && (this.#times[0] ?? now) <= now - WINDOW_MS) this.#times.shift();
    return this.#times.length;
  }

  /** Records an event at `now` and returns the window's count including it. */
  add(now: number): number {
    const count = this.countAt(now) + 1;
    this.#times.push(now);
    return count;
  }

  clear(): void {
    this.#times = [];
  }
}

/** Admits at most `limit` requests in any one-second window; a limit of 0 admits everything. */
export class RateLimiter {
  readonly #limit: number;
  readonly #admitted = new SlidingWindow();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 0)
      throw new Error(`Rate limit must be a whole number ≥ 0, got ${limit}`);
    this.#limit = limit;
  }

  /** True (and counted) when the request may proceed; only admitted requests use up the window. */
  tryAdmit(now: number): boolean {
    if (this.#limit === 0) return true;
    if (this.#admitted.countAt(now) >= this.#limit) return false;
    this.#admitted.add(now);
    return true;
  }

  reset(): void {
    this.#admitted.clear();
  }
}

/**
 * The largest number of arrivals in any one-second sliding window. Checking each window that ends
 * at an arrival is enough: the busiest window can always be slid right until it ends at one.
 */
export class PeakRate {
  readonly #arrivals = new SlidingWindow();
  #peak = 0;

  record(now: number): void {
    this.#peak = Math.max(this.#peak, this.#arrivals.add(now));
  }

  get peak(): number {
    return this.#peak;
  }

  reset(): void {
    this.#arrivals.clear();
    this.#peak = 0;
  }
}
