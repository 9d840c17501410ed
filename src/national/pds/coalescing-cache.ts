/**
 * A short-lived cache in front of an expensive lookup, that also coalesces: while a lookup for a
 * key is in flight, every other caller for that key joins it instead of starting another. Only
 * successful lookups are kept, each until its explicit expiry; failures are shared by the callers
 * that joined but never cached.
 */

export interface CoalescingCacheOptions {
  /** How long a result is kept; 0 keeps nothing (coalescing still applies). */
  readonly ttlMs: number;
  /** Milliseconds; expiry is judged against this. */
  readonly now: () => number;
  /** Oldest entries are dropped beyond this, so a long run over many keys stays bounded. */
  readonly maxEntries?: number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

export class CoalescingCache<K, V> {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #entries = new Map<K, Entry<V>>();
  readonly #inFlight = new Map<K, Promise<V>>();
  /** Bumped by clear(), so a lookup started before it neither stores its result nor is joined. */
  #generation = 0;

  constructor(options: CoalescingCacheOptions) {
    this.#ttlMs = Math.max(0, options.ttlMs);
    this.#now = options.now;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /**
   * The cached value for `key`, else the result of the lookup already in flight, else of a new
   * `load()`. With `refresh`, a cached value is ignored but an in-flight lookup is still joined.
   */
  get(key: K, load: () => Promise<V>, options: { readonly refresh?: boolean } = {}): Promise<V> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    if (options.refresh !== true) {
      const cached = this.#fresh(key);
      if (cached) return Promise.resolve(cached.value);
    }
    return this.#start(key, load);
  }

  /** Forgets every cached value; lookups in flight finish for their callers but are not kept. */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
    this.#inFlight.clear();
  }

  #fresh(key: K): Entry<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.#now()) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  #start(key: K, load: () => Promise<V>): Promise<V> {
    const generation = this.#generation;
    // Through a promise constructor so a load that throws synchronously still rejects.
    const promise = new Promise<V>((resolve) => resolve(load())).then(
      (value) => {
        if (generation === this.#generation) {
          this.#inFlight.delete(key);
          this.#store(key, value);
        }
        return value;
      },
      (error: unknown) => {
        if (generation === this.#generation) this.#inFlight.delete(key);
        throw error;
      },
    );
    this.#inFlight.set(key, promise);
    return promise;
  }

  #store(key: K, value: V): void {
    if (this.#ttlMs === 0) return;
    // Re-inserting moves the key to the end, so the first key is always the oldest write.
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }
}
