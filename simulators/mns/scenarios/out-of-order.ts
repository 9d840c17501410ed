/**
 * Out of order: two successive record changes at PDS (versions n+1 and n+2), whose events arrive
 * newest first, as unordered queues allow. A subscriber that trusts arrival order would end up
 * on the older version.
 */
import { type PublishResult, publishResult } from "../publisher.ts";
import type { EventFormat } from "../signal.ts";
import type { MnsContext } from "../simulator-context.ts";

export interface OutOfOrderRequest {
  nhsNumber: string;
  format?: EventFormat;
  attempts?: number;
}

export interface OutOfOrderResult {
  /** The event of the first change (lower version), delivered second. */
  older: PublishResult;
  /** The event of the second change (higher version), delivered first. */
  newer: PublishResult;
  /** Event ids in delivery order. */
  deliveredOrder: [string, string];
}

/** Makes two record changes, then delivers their events newest first. */
export async function runOutOfOrder(
  context: MnsContext,
  request: OutOfOrderRequest,
): Promise<OutOfOrderResult> {
  const change = { type: "pds-record-change-2" as const, nhsNumber: request.nhsNumber };
  const publish = request.format ? { ...change, format: request.format } : change;
  const older = await context.publisher.prepare(publish);
  const newer = await context.publisher.prepare(publish);
  const newerOutcome = await context.publisher.deliver(newer, request.attempts, "out-of-order");
  const olderOutcome = await context.publisher.deliver(older, request.attempts, "out-of-order");
  return {
    older: publishResult(older, olderOutcome),
    newer: publishResult(newer, newerOutcome),
    deliveredOrder: [newer.id, older.id],
  };
}
