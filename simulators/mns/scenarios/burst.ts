/**
 * A burst: many events over a set of patients, each one a real change at PDS followed by its
 * delivery, with a fixed number in flight. Events for one patient may overtake each other, as
 * they can on MNS's unordered queues.
 */

import { BURST_POOL } from "../patient-pool.ts";
import { PdsControlError } from "../pds-control.ts";
import type { PublishRequest } from "../publisher.ts";
import type { EventFormat, EventType } from "../signal.ts";
import type { MnsContext } from "../simulator-context.ts";
import { runPool } from "./worker-pool.ts";

/** Event types a burst cycles through by default: none of them ends the record, so it can go on. */
export const BURST_TYPES = ["pds-record-change-2", "pds-change-of-gp-2", "pds-death-notification-2"] as const;

export type BurstType = (typeof BURST_TYPES)[number];

export interface BurstRequest {
  count: number;
  nhsNumbers?: string[];
  /** Use the first N patients of the simulator's pool instead of listing numbers. */
  patients?: number;
  types?: BurstType[];
  format?: EventFormat;
  concurrency?: number;
  attempts?: number;
}

export interface BurstResult {
  count: number;
  delivered: number;
  failed: number;
  /** Events never sent because PDS refused their change. */
  changeFailed: number;
  byType: Partial<Record<EventType, number>>;
  patients: string[];
  /** The first few problems, to explain failures without listing thousands. */
  errors: string[];
}

const MAX_ERRORS_KEPT = 5;

function burstPatients(request: BurstRequest): string[] {
  if (request.nhsNumbers !== undefined) return request.nhsNumbers;
  return BURST_POOL.slice(0, request.patients ?? BURST_POOL.length);
}

function emptyResult(request: BurstRequest, patients: string[]): BurstResult {
  return { count: request.count, delivered: 0, failed: 0, changeFailed: 0, byType: {}, patients, errors: [] };
}

function noteError(result: BurstResult, message: string): void {
  if (result.errors.length < MAX_ERRORS_KEPT) result.errors.push(message);
}

function publishRequest(request: BurstRequest, type: BurstType, nhsNumber: string): PublishRequest {
  const single: PublishRequest = { type, nhsNumber };
  if (request.format !== undefined) single.format = request.format;
  if (request.attempts !== undefined) single.attempts = request.attempts;
  return single;
}

/** Publishes `count` events spread round-robin over the patients and types. */
export async function runBurst(context: MnsContext, request: BurstRequest): Promise<BurstResult> {
  const patients = burstPatients(request);
  const types = request.types ?? [...BURST_TYPES];
  const result = emptyResult(request, patients);
  await runPool(request.count, request.concurrency ?? 8, async (index) => {
    const nhsNumber = patients[index % patients.length] ?? "";
    const type = types[index % types.length] ?? "pds-record-change-2";
    try {
      const published = await context.publisher.publish(publishRequest(request, type, nhsNumber), "burst");
      result.byType[type] = (result.byType[type] ?? 0) + 1;
      if (published.delivered) result.delivered++;
      else result.failed++;
    } catch (error) {
      if (!(error instanceof PdsControlError)) throw error;
      result.changeFailed++;
      noteError(result, error.message);
    }
  });
  context.log(`burst of ${request.count}: ${result.delivered} delivered, ${result.failed} failed`);
  return result;
}
