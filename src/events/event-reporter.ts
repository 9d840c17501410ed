/**
 * Reporting what happened to events as domain events (so they reach the audit trail), at least
 * once. The fact is stored first and marked "report due"; the domain event is emitted; then the
 * mark is cleared. If the process dies in between, a later sweep re-emits the stored fact with the
 * same `dedupeKey`, so a subscriber keyed on it records each fact exactly once. This covers the
 * receipt of an event (`event.received`), how its processing ended (`event.processed`) and giving
 * up on it (`event.dead_lettered`); receipts are stored and confirmed by the intake itself
 * (intake.service.ts), and only re-reported here for an intake instance that died.
 */
import type { Clock } from "../platform/clock.ts";
import type { InboxEvent } from "./event.types.ts";
import type { EmitEventsEvent, EventDeadLettered, EventProcessed, EventReceived } from "./events.events.ts";
import type { Completion, InboxWorkStore, PayloadSealer } from "./events.ports.ts";
import { receiptKeyOf } from "./intake.service.ts";
import { subjectOf } from "./sealed-event.ts";

export interface ReporterDeps {
  readonly store: InboxWorkStore;
  readonly sealer: PayloadSealer;
  readonly emit: EmitEventsEvent;
  readonly clock: Clock;
  readonly reportGraceMs: number;
}

/** `<inbox id>/<generation>`: one per processing, the same however often it is reported. */
export function dedupeKeyOf(event: Pick<InboxEvent, "id" | "generation">): string {
  return `${event.id}/${event.generation}`;
}

/** The domain event for a processed event, from the event and how it ended. */
export function processedPayload(
  event: InboxEvent,
  completion: Pick<Completion, "outcome" | "notable" | "patientId">,
  sealer: PayloadSealer,
): EventProcessed {
  return {
    correlationId: event.correlationId,
    dedupeKey: dedupeKeyOf(event),
    inboxId: event.id,
    externalId: event.externalId,
    eventType: event.type,
    nhsNumber: subjectOf(sealer, event),
    patientId: completion.patientId,
    outcome: completion.outcome,
    notable: completion.notable,
    pdsVersion: event.pdsVersion,
    attempts: event.attempts,
    generation: event.generation,
  };
}

export function deadLetterPayload(
  event: InboxEvent,
  reason: string,
  sealer: PayloadSealer,
): EventDeadLettered {
  return {
    correlationId: event.correlationId,
    dedupeKey: dedupeKeyOf(event),
    inboxId: event.id,
    externalId: event.externalId,
    eventType: event.type,
    nhsNumber: subjectOf(sealer, event),
    attempts: event.attempts,
    reason,
  };
}

export function receivedPayload(event: InboxEvent, sealer: PayloadSealer): EventReceived {
  return {
    correlationId: event.correlationId,
    dedupeKey: receiptKeyOf(event.id),
    inboxId: event.id,
    externalId: event.externalId,
    source: event.source,
    eventType: event.type,
    format: event.format,
    channel: event.channel,
    nhsNumber: subjectOf(sealer, event),
    pdsVersion: event.pdsVersion,
  };
}

export class EventReporter {
  readonly #deps: ReporterDeps;

  constructor(deps: ReporterDeps) {
    this.#deps = deps;
  }

  /** When a report not confirmed by then may be made again. */
  dueAt(now: Date): Date {
    return new Date(now.getTime() + this.#deps.reportGraceMs);
  }

  /** Emits one `event.processed` per processed event, then confirms them. */
  async report(items: readonly { event: InboxEvent; completion: Completion }[]): Promise<void> {
    for (const { event, completion } of items)
      await this.#deps.emit("event.processed", processedPayload(event, completion, this.#deps.sealer));
    await this.#deps.store.markReported(items.map((i) => i.event.id));
  }

  /** Emits `event.dead_lettered`, then confirms it. */
  async reportDead(event: InboxEvent, reason: string): Promise<void> {
    await this.#deps.emit("event.dead_lettered", deadLetterPayload(event, reason, this.#deps.sealer));
    await this.#deps.store.markReported([event.id]);
  }

  /**
   * Reports again whatever was stored but never confirmed as reported (a crash came between): the
   * outcomes of finished events, and the receipts of an intake instance that died.
   */
  async sweep(limit = 100): Promise<number> {
    const now = this.#deps.clock.now();
    const due = await this.#deps.store.takeUnreported(now, this.dueAt(now), limit);
    for (const event of due) {
      if (event.status === "dead") await this.reportDead(event, event.lastError ?? "unknown");
      else
        await this.report([
          {
            event,
            completion: {
              id: event.id,
              status: event.status === "skipped" ? "skipped" : "processed",
              outcome: event.outcome ?? "stale",
              notable: event.notable,
              patientId: event.patientId,
            },
          },
        ]);
    }
    const abandoned = await this.#deps.store.takeAbandonedIntake(
      now,
      new Date(now.getTime() - this.#deps.reportGraceMs),
    );
    if (!abandoned) return due.length;
    for (const event of abandoned.events)
      await this.#deps.emit("event.received", receivedPayload(event, this.#deps.sealer));
    await this.#deps.store.forgetIntake(abandoned.instance);
    return due.length + abandoned.events.length;
  }
}
