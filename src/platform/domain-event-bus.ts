/**
 * A small typed publish/subscribe bus for domain events. `emit` awaits every subscriber, so a
 * subscriber that must be durable (the audit trail) holds the acknowledgement until it is done;
 * subscribers that only observe (metrics) should be synchronous and cheap.
 */
export type EventHandler<P> = (payload: P) => void | Promise<void>;

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

  async emit<K extends keyof Events>(name: K, payload: Events[K]): Promise<void> {
    const handlers = (this.#handlers.get(name) ?? []) as EventHandler<Events[K]>[];
    for (const handler of handlers) await handler(payload);
    for (const handler of this.#any) await handler(name, payload);
  }
}
