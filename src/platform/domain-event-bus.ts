/**
 * A small typed publish/subscribe bus for domain events. `emit` awaits every subscriber. The one
 * durable subscriber (the audit trail) runs first and holds the acknowledgement until its record
 * is stored; only then do the subscribers that observe (metrics) hear of it, and they should be
 * synchronous and cheap. An event may carry an atomic write (platform/atomic-write.ts) that the
 * durable subscriber commits with its record; when that write's condition fails, the event is not
 * recorded, nobody else hears of it, and `emit` answers false.
 */
import type { AtomicWrite } from "./atomic-write.ts";

export type EventHandler<P> = (payload: P) => void | Promise<void>;

/** Stores the event durably (with `alongside` in the same commit); false if `alongside` was not applied. */
export type DurableHandler<Events> = <K extends keyof Events>(
  name: K,
  payload: Events[K],
  alongside: AtomicWrite | undefined,
) => Promise<boolean>;

export class DomainEventBus<Events extends { [K in keyof Events]: object }> {
  readonly #handlers = new Map<keyof Events, EventHandler<never>[]>();

  on<K extends keyof Events>(name: K, handler: EventHandler<Events[K]>): () => void {
    const list = this.#handlers.get(name) ?? [];
    list.push(handler as EventHandler<never>);
    this.#handlers.set(name, list);
    return () => {
      const current = this.#handlers.get(name) ?? [];
      this.#handlers.set(
        name,
        current.filter((h) => h !== handler),
      );
    };
  }

  /** Subscribes one handler to every event (e.g. a metrics counter per event name). */
  onAny(handler: <K extends keyof Events>(name: K, payload: Events[K]) => void | Promise<void>): void {
    this.#any.push(handler);
  }

  readonly #any: (<K extends keyof Events>(name: K, payload: Events[K]) => void | Promise<void>)[] = [];
  #durable: DurableHandler<Events> | null = null;

  /** Sets the one subscriber that stores every event durably, before anyone else hears of it. */
  onDurable(handler: DurableHandler<Events>): void {
    if (this.#durable !== null) throw new Error("the bus has a durable subscriber already");
    this.#durable = handler;
  }

  /**
   * Resolves once the event is stored and every subscriber has run. With `alongside`, false when
   * its condition failed (the event was then neither stored nor heard by anyone).
   */
  async emit<K extends keyof Events>(name: K, payload: Events[K], alongside?: AtomicWrite): Promise<boolean> {
    if (this.#durable === null) {
      if (alongside) throw new Error("an atomic write needs the bus's durable subscriber");
    } else if (!(await this.#durable(name, payload, alongside))) return false;
    const handlers = (this.#handlers.get(name) ?? []) as EventHandler<Events[K]>[];
    for (const handler of handlers) await handler(payload);
    for (const handler of this.#any) await handler(name, payload);
    return true;
  }
}
