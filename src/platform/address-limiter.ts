/**
 * Counts what one client address does in a fixed one-minute window and says when it has done too
 * much: anonymous refusals (a launch with no session, an unsigned change event) are limited per
 * address, so nobody can flood the audit trail or the logs. Memory is bounded: past `maxAddresses`
 * the oldest windows are forgotten first (a flood from many addresses resets nothing useful).
 */
export interface AddressLimiterOptions {
  /** Hits one address may make in a minute. */
  readonly perMinute: number;
  readonly maxAddresses?: number;
  readonly now?: () => number;
}

const WINDOW_MS = 60_000;

export class AddressLimiter {
  readonly #perMinute: number;
  readonly #maxAddresses: number;
  readonly #now: () => number;
  /** Address → hits in its current window (insertion order is window order). */
  readonly #windows = new Map<string, { startedAt: number; hits: number }>();

  constructor(options: AddressLimiterOptions) {
    if (!(options.perMinute >= 1)) throw new RangeError("perMinute must be at least 1");
    this.#perMinute = options.perMinute;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Counts one hit from `address`; false once it has had its share this minute. */
  hit(address: string): boolean {
    const window = this.#current(address) ?? this.#open(address);
    window.hits++;
    return window.hits <= this.#perMinute;
  }

  /** Whether `address` has already had its share this minute (counts nothing). */
  exceeded(address: string): boolean {
    return (this.#current(address)?.hits ?? 0) >= this.#perMinute;
  }

  #current(address: string) {
    const window = this.#windows.get(address);
    if (window && this.#now() - window.startedAt < WINDOW_MS) return window;
    if (window) this.#windows.delete(address);
    return undefined;
  }

  #open(address: string) {
    while (this.#windows.size >= this.#maxAddresses) {
      const oldest = this.#windows.keys().next().value as string;
      this.#windows.delete(oldest);
    }
    const window = { startedAt: this.#now(), hits: 0 };
    this.#windows.set(address, window);
    return window;
  }
}
