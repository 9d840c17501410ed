/**
 * Group commit: concurrent callers share one durable write. Each caller's promise settles only
 * when the write holding its item has committed (or failed), so durability is never traded away;
 * throughput comes from paying one commit (one fsync) for a whole batch.
 *
 * While a write is in flight, new items queue; when it finishes the queue is written at once (up
 * to `maxBatch` items a write). An idle committer waits `lingerMs` (0: the rest of this turn of the
 * event loop) before writing, to gather the items that arrive together.
 */

/** How batches are formed. */
export interface GroupCommitOptions {
  readonly maxBatch: number;
  readonly lingerMs: number;
}

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Batches items into writes of at most `maxBatch`; `write` returns one result per item, in order. */
export class GroupCommit<T, R> {
  readonly #options: GroupCommitOptions;
  readonly #write: (items: readonly T[]) => Promise<readonly R[]>;
  #queue: Pending<T, R>[] = [];
  #writing: Promise<void> | null = null;
  #scheduled = false;

  constructor(options: GroupCommitOptions, write: (items: readonly T[]) => Promise<readonly R[]>) {
    if (!Number.isSafeInteger(options.maxBatch) || options.maxBatch < 1)
      throw new RangeError("maxBatch must be ≥ 1");
    this.#options = options;
    this.#write = write;
  }

  /** Queues `item`; resolves with its result once the write that holds it has committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once everything submitted so far has been written (or has failed). */
  async drain(): Promise<void> {
    while (this.#writing !== null || this.#queue.length > 0 || this.#scheduled) {
      await (this.#writing ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  #schedule(): void {
    if (this.#writing !== null || this.#scheduled) return;
    this.#scheduled = true;
    const start = () => {
      this.#scheduled = false;
      this.#writing = this.#writeAll().finally(() => {
        this.#writing = null;
        if (this.#queue.length > 0) this.#schedule();
      });
    };
    if (this.#options.lingerMs > 0) setTimeout(start, this.#options.lingerMs);
    else setImmediate(start);
  }

  /** Writes batches until the queue is empty: items that queued during a write go straight on. */
  async #writeAll(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.maxBatch);
      try {
        const results = await this.#write(batch.map((p) => p.item));
        if (results.length !== batch.length) throw new Error("a write returned the wrong number of results");
        for (const [i, pending] of batch.entries()) pending.resolve(results[i] as R);
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
  }
}
