/**
 * Reporting what happened to events as domain events (so they reach the audit trail), at least
 * once. The fact is stored first and marked "report due"; the domain event is emitted; then the
 * mark is cleared. If the process dies in between, a later sweep re-emits the stored fact with the
 * same `dedupeKey`, so a subscriber keyed on it records each fact exactly once. This covers the
 * receipt of an event (`event.received`), how its processing ended (`event.processed`) and giving
 * up on it (`event.dead_lettered`).
 */
import { nhsNumber } from "../patients/nhs-number.ts";
import type { Clock } from "../platform/clock.ts";
import type { InboxEvent } from "./event.types.ts";
import type { EmitEventsEvent, EventDeadLettered, EventProcessed, EventReceived } from "./events.events.ts";
import type { Completion, InboxWorkStore, NhsNumberProtector } from "./events.ports.ts";
import { receiptKeyOf } from "./intake.service.ts";

export interface ReporterDeps {
  readonly store: InboxWorkStore;
  readonly protection: NhsNumberProtector;
  readonly emit: EmitEventsEvent;
  readonly clock: Clock;
  readonly reportGraceMs: number;
}

/** `<inbox id>/<generation>`: one per processing, the same however often it is reported. */
export function dedupeKeyOf(event: Pick<InboxEvent, "id" | "generation">): string {
  return `${event.id}/${event.generation}`;
}

function subjectOf(event: InboxEvent, protection: NhsNumberProtector) {
  return nhsNumber(protection.reveal(event.id, event.subjectCiphertext));
}

/** The domain event for a processed event, from the event and how it ended. */
export function processedPayload(
  event: InboxEvent,
  completion: Pick<Completion, "outcome" | "notable" | "patientId">,
  protection: NhsNumberProtector,
): EventProcessed {
  return {
    correlationId: event.correlationId,
    dedupeKey: dedupeKeyOf(event),
    inboxId: event.id,
    externalId: event.externalId,
    eventType: event.type,
    nhsNumber: subjectOf(event, protection),
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
  protection: NhsNumberProtector,
): EventDeadLettered {
  return {
    correlationId: event.correlationId,
    dedupeKey: dedupeKeyOf(event),
    inboxId: event.id,
    externalId: event.externalId,
    eventType: event.type,
    nhsNumber: subjectOf(event, protection),
    attempts: event.attempts,
    reason,
  };
}

export function receivedPayload(event: InboxEvent, protection: NhsNumberProtector): EventReceived {
  return {
    correlationId: event.correlationId,
    dedupeKey: receiptKeyOf(event.id),
    inboxId: event.id,
    externalId: event.externalId,
    source: event.source,
    eventType: event.type,
    format: event.format,
    channel: event.channel,
    nhsNumber: subjectOf(event, protection),
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
      await this.#deps.emit("event.processed", processedPayload(event, completion, this.#deps.protection));
    await this.#deps.store.markReported(items.map((i) => i.event.id));
  }

  /** Emits `event.dead_lettered`, then confirms it. */
  async reportDead(event: InboxEvent, reason: string): Promise<void> {
    await this.#deps.emit("event.dead_lettered", deadLetterPayload(event, reason, this.#deps.protection));
    await this.#deps.store.markReported([event.id]);
  }

  /** Reports again whatever was stored but never confirmed as reported (a crash came between). */
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
    const receipts = await this.#deps.store.takeUnconfirmedReceipts(now, this.dueAt(now), limit);
    for (const event of receipts)
      await this.#deps.emit("event.received", receivedPayload(event, this.#deps.protection));
    await this.#deps.store.confirmReceipts(receipts.map((e) => e.id));
    return due.length + receipts.length;
  }
}
