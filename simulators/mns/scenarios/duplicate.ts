/**
 * Duplicates: the same event (same id, same body) delivered twice, as at-least-once queues do.
 * Either an event sent earlier is sent again twice, or a new change is published and its event
 * sent twice.
 */
import { ControlError } from "../control-error.ts";
import type { PreparedEvent } from "../encoding.ts";
import { type PublishResult, publishResult } from "../publisher.ts";
import type { EventFormat, EventType } from "../signal.ts";
import type { MnsContext } from "../simulator-context.ts";

export type DuplicateRequest =
  | { eventId: string; attempts?: number }
  | { type: EventType; nhsNumber: string; format?: EventFormat; attempts?: number };

export interface DuplicateResult {
  eventId: string;
  /** Both deliveries, in the order they were made; each carries the same event. */
  deliveries: [PublishResult, PublishResult];
}

async function eventFor(context: MnsContext, request: DuplicateRequest): Promise<PreparedEvent> {
  if ("eventId" in request) {
    const known = context.events.get(request.eventId);
    if (!known) throw new ControlError(404, `No event ${request.eventId} was sent by this simulator`);
    return known;
  }
  const publish = { type: request.type, nhsNumber: request.nhsNumber };
  return context.publisher.prepare(request.format ? { ...publish, format: request.format } : publish);
}

/** Sends one event twice, one delivery after the other. */
export async function runDuplicate(context: MnsContext, request: DuplicateRequest): Promise<DuplicateResult> {
  const event = await eventFor(context, request);
  const first = await context.publisher.deliver(event, request.attempts, "duplicate");
  const second = await context.publisher.deliver(event, request.attempts, "duplicate");
  return { eventId: event.id, deliveries: [publishResult(event, first), publishResult(event, second)] };
}
