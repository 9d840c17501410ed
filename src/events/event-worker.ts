/**
 * The processing loop: claim a batch (every waiting event of a few patients), process patients
 * a few at a time, repeat; pause when there is nothing to do. Safe to run in several processes at
 * once (claims are leases, patients are held one worker at a time); on SQLite the one process runs
 * one loop. While working it renews its leases, so a slow PDS never makes another worker think it
 * died; if it does die, its leases lapse and the events are taken over.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../platform/clock.ts";
import type { InboxEvent } from "./event.types.ts";
import type { EventProcessor } from "./event-processor.ts";
import type { EventReporter } from "./event-reporter.ts";
import type { InboxWorkStore } from "./events.ports.ts";

export interface WorkerDeps {
  readonly store: InboxWorkStore;
  readonly processor: EventProcessor;
  readonly reporter: EventReporter;
  readonly clock: Clock;
  readonly pollMs: number;
  readonly batchPatients: number;
  readonly concurrency: number;
  readonly leaseMs: number;
  /** Told of failures of the loop itself (the database unreachable…); it carries on. */
  readonly onError?: (error: unknown) => void;
}

/** Groups claimed events by subject (one NHS number), keeping claim order. */
export function bySubject(events: readonly InboxEvent[]): InboxEvent[][] {
  const groups = new Map<string, InboxEvent[]>();
  for (const e of events) groups.set(e.subjectIndex, [...(groups.get(e.subjectIndex) ?? []), e]);
  return [...groups.values()];
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export class EventWorker {
  readonly id = `worker-${randomUUID()}`;
  readonly #deps: WorkerDeps;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #renewal: ReturnType<typeof setInterval> | null = null;

  constructor(deps: WorkerDeps) {
    this.#deps = deps;
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const every = Math.max(1000, Math.floor(this.#deps.leaseMs / 3));
    this.#renewal = setInterval(() => void this.#renew(), every);
    this.#renewal.unref();
    this.#loop = this.#run();
  }

  /** Stops claiming, finishes the batch in hand, and resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    if (this.#renewal) clearInterval(this.#renewal);
    await this.#loop;
    this.#loop = null;
  }

  /** Cuts the pause short (new events just arrived). */
  nudge(): void {
    this.#wake?.();
  }

  /** Claims and processes one batch; returns how many events it claimed. */
  async runOnce(): Promise<number> {
    const { store, clock, leaseMs, batchPatients, concurrency, processor } = this.#deps;
    const claimed = await store.claim(this.id, clock.now(), leaseMs, batchPatients);
    await eachLimited(bySubject(claimed), concurrency, (group) => processor.processGroup(this.id, group));
    return claimed.length;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
        if (claimed === 0) await this.#deps.reporter.sweep();
      } catch (error) {
        this.#deps.onError?.(error);
      }
      if (claimed === 0 && this.#running) await this.#pause();
    }
  }

  #pause(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.#deps.pollMs);
      this.#wake = done;
    });
  }

  async #renew(): Promise<void> {
    try {
      await this.#deps.store.renew(this.id, this.#deps.clock.now(), this.#deps.leaseMs);
    } catch (error) {
      this.#deps.onError?.(error);
    }
  }
}
