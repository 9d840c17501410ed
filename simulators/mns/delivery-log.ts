/**
 * A bounded record of every HTTP attempt the simulator made, so tests and people can see what the
 * receiver was sent and how it answered. Oldest entries fall off first, so a long burst cannot
 * exhaust memory.
 */

export const DELIVERY_LOG_CAPACITY = 50_000;
export const DEFAULT_LIMIT = 100;

export interface DeliveryRecord {
  eventId: string;
  type: string;
  format: string;
  nhsNumber: string;
  /** What this delivery was for: an ordinary publish, a duplicate, or a malformed kind. */
  purpose: string;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** The receiver's HTTP status, or null when no answer came (network error, timeout). */
  status: number | null;
  error?: string;
  correlationId: string;
  time: string;
}

export class DeliveryLog {
  #entries: DeliveryRecord[] = [];
  #start = 0;

  add(record: DeliveryRecord): void {
    if (this.#entries.length < DELIVERY_LOG_CAPACITY) {
      this.#entries.push(record);
      return;
    }
    this.#entries[this.#start] = record;
    this.#start = (this.#start + 1) % DELIVERY_LOG_CAPACITY;
  }

  /** The last `limit` records, oldest first. */
  recent(limit: number): DeliveryRecord[] {
    const ordered = [...this.#entries.slice(this.#start), ...this.#entries.slice(0, this.#start)];
    return ordered.slice(Math.max(0, ordered.length - limit));
  }

  get size(): number {
    return this.#entries.length;
  }

  clear(): void {
    this.#entries = [];
    this.#start = 0;
  }
}
