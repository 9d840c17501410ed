/**
 * Group commit for event intake: concurrent deliveries share one INSERT (one commit, one fsync).
 * Each caller's promise settles only once the statement holding its row has committed, so an
 * acknowledgement never runs ahead of durability; throughput comes from paying for the commit
 * once per batch. While a write is in flight new rows queue, and go in the next write at once.
 */

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Batches items into writes of at most `maxBatch`; `write` returns one result per item, in order. */
export class EventGroupCommit<T, R> {
  readonly #maxBatch: number;
  readonly #write: (items: readonly T[]) => Promise<readonly R[]>;
  #queue: Waiting<T, R>[] = [];
  #running = false;

  constructor(maxBatch: number, write: (items: readonly T[]) => Promise<readonly R[]>) {
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError("maxBatch must be at least 1");
    this.#maxBatch = maxBatch;
    this.#write = write;
  }

  /** Resolves with the item's result once the write holding it has committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // The rest of this turn of the event loop gathers the deliveries that arrived together.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        const results = await this.#write(batch.map((w) => w.item));
        if (results.length !== batch.length)
          throw new Error("a batched write returned the wrong number of results");
        for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as R);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#running = false;
  }
}
