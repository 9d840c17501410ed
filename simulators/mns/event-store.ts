/**
 * The events the simulator has sent recently, by id, so a later request can deliver one again
 * unchanged (MNS's at-least-once delivery means a subscriber must expect exactly that). Bounded:
 * the oldest are forgotten first.
 */
import type { PreparedEvent } from "./encoding.ts";

export const EVENT_STORE_CAPACITY = 20_000;

export class EventStore {
  readonly #events = new Map<string, PreparedEvent>();

  remember(event: PreparedEvent): void {
    this.#events.delete(event.id);
    this.#events.set(event.id, event);
    if (this.#events.size > EVENT_STORE_CAPACITY) {
      const oldest = this.#events.keys().next();
      if (!oldest.done) this.#events.delete(oldest.value);
    }
  }

  get(id: string): PreparedEvent | undefined {
    return this.#events.get(id);
  }

  clear(): void {
    this.#events.clear();
  }
}
