/**
 * Refusals of requests nobody can be named for (a launch id never issued, presented without a
 * session; a change event whose signature does not verify) are counted, not recorded one by one:
 * each permanent, hash-chained record of junk would let anyone grow the audit trail at will and
 * bury real refusals. Counts are kept per channel and outcome and written as one record each per
 * period, with the first few correlation ids as samples; every refusal is also counted at once
 * (a metric), and the per-address limit bounds how many there can be.
 */
export interface TalliedRefusals {
  /** Where they were refused (e.g. `launch`, `event_intake`). */
  readonly channel: string;
  /** The outcome each would have been recorded with, from the controlled list. */
  readonly outcome: string;
  /** The error code each was refused with. */
  readonly code: string;
  readonly count: number;
  readonly firstAt: Date;
  readonly lastAt: Date;
  /** Correlation ids of the first few, to find their log lines. */
  readonly samples: readonly string[];
}

export interface RefusalTallyOptions {
  readonly periodMs: number;
  /** Writes one period's counts (an audit record each); a failure is retried with the next period. */
  readonly write: (tallies: readonly TalliedRefusals[]) => Promise<void>;
  /** Told of each refusal as it happens (metrics). */
  readonly onRefusal?: (channel: string, code: string) => void;
  readonly now?: () => Date;
  readonly onWriteFailed?: (error: unknown) => void;
}

const SAMPLES = 3;

export class RefusalTally {
  readonly #options: RefusalTallyOptions;
  readonly #now: () => Date;
  #open = new Map<string, { -readonly [K in keyof TalliedRefusals]: TalliedRefusals[K] }>();
  readonly #timer: NodeJS.Timeout;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: RefusalTallyOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#timer = setInterval(() => void this.flush(), options.periodMs);
    this.#timer.unref();
  }

  /** Counts one refusal. */
  count(refusal: { channel: string; outcome: string; code: string; correlationId: string }): void {
    const { channel, outcome, code, correlationId } = refusal;
    this.#options.onRefusal?.(channel, code);
    const key = `${channel}\n${code}`;
    const now = this.#now();
    const open = this.#open.get(key);
    if (!open) {
      this.#open.set(key, {
        channel,
        outcome,
        code,
        count: 1,
        firstAt: now,
        lastAt: now,
        samples: [correlationId],
      });
      return;
    }
    open.count++;
    open.lastAt = now;
    if (open.samples.length < SAMPLES) open.samples = [...open.samples, correlationId];
  }

  /** Writes what has been counted since the last write. */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      if (this.#open.size === 0) return;
      const tallies = [...this.#open.values()];
      this.#open = new Map();
      try {
        await this.#options.write(tallies);
      } catch (error) {
        this.#options.onWriteFailed?.(error);
        for (const t of tallies) this.#merge(t);
      }
    });
    return this.#writing;
  }

  /** Stops the timer and writes the last counts. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  #merge(t: TalliedRefusals): void {
    const key = `${t.channel}\n${t.code}`;
    const open = this.#open.get(key);
    if (!open) {
      this.#open.set(key, { ...t });
      return;
    }
    open.count += t.count;
    open.firstAt = t.firstAt < open.firstAt ? t.firstAt : open.firstAt;
    open.samples = [...t.samples, ...open.samples].slice(0, SAMPLES);
  }
}
