/**
 * A token bucket for client-side rate limiting: `capacity` tokens at most, refilled continuously
 * at `refillPerSecond`. Each call takes one token, waiting in turn (first come, first served) when
 * the bucket is empty. A caller that would wait longer than it can afford is refused at once
 * rather than after the wait, so it can fail fast.
 *
 * Tokens are debited at the moment a waiter is released, not when it queued, so timer lateness
 * can only spread calls out: over any interval of length W, at most `capacity + refillPerSecond × W`
 * calls are released.
 */

/** Monotonic time and sleeping, injectable so tests can drive the bucket without real waits. */
export interface BucketTime {
  /** Milliseconds from an arbitrary origin; must never go backwards. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realBucketTime: BucketTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface TokenBucketOptions {
  /** Tokens the bucket holds when full (the largest burst); it starts full. */
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly time?: BucketTime;
}

interface Waiter {
  readonly release: () => void;
}

export class TokenBucket {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #time: BucketTime;
  #tokens: number;
  #refilledAt: number;
  readonly #queue: Waiter[] = [];
  #pumping = false;

  constructor(options: TokenBucketOptions) {
    if (!(options.capacity >= 1)) throw new RangeError(`capacity must be ≥ 1, got ${options.capacity}`);
    if (!(options.refillPerSecond > 0))
      throw new RangeError(`refillPerSecond must be > 0, got ${options.refillPerSecond}`);
    this.#capacity = options.capacity;
    this.#refillPerMs = options.refillPerSecond / 1000;
    this.#time = options.time ?? realBucketTime;
    this.#tokens = options.capacity;
    this.#refilledAt = this.#time.now();
  }

  /** Callers waiting for a token. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Takes a token, waiting for one if need be. Resolves true once taken; resolves false at once,
   * taking nothing, when the wait (behind everyone already queued) would exceed `maxWaitMs`.
   */
  take(maxWaitMs: number): Promise<boolean> {
    this.#refill();
    if (this.#queue.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      return Promise.resolve(true);
    }
    // Everyone already queued needs a whole token before this caller gets one.
    const needed = this.#queue.length + 1 - this.#tokens;
    if (needed / this.#refillPerMs > maxWaitMs) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.#queue.push({ release: () => resolve(true) });
      void this.#pump();
    });
  }

  #refill(): void {
    const now = this.#time.now();
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#refillPerMs);
    this.#refilledAt = now;
  }

  /** One loop serves the queue in order, sleeping until the next token is due. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        this.#refill();
        if (this.#tokens >= 1) {
          this.#tokens -= 1;
          this.#queue.shift()?.release();
          continue;
        }
        // At least 1 ms, so a timer that fires a little early cannot spin the loop.
        await this.#time.sleep(Math.max(1, Math.ceil((1 - this.#tokens) / this.#refillPerMs)));
      }
    } finally {
      this.#pumping = false;
    }
  }
}
