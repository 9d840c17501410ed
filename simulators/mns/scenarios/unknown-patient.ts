/**
 * An event about a patient the subscriber has never heard of: a valid NHS number from the
 * never-issued 999 range that PDS does not hold either, so a re-read answers 404. Subscribers
 * receive events for every patient a subscription's filter matches, not only their own.
 */
import { ControlError } from "../control-error.ts";
import { randomUnissuedNhsNumber } from "../nhs-number.ts";
import { type PublishResult, publishResult } from "../publisher.ts";
import type { EventFormat, EventType } from "../signal.ts";
import type { MnsContext } from "../simulator-context.ts";

export interface UnknownPatientRequest {
  nhsNumber?: string;
  type?: EventType;
  format?: EventFormat;
  attempts?: number;
}

const MAX_TRIES = 20;

async function unheldNumber(context: MnsContext, chosen: string | undefined): Promise<string> {
  if (chosen !== undefined) {
    if (await context.pds.get(chosen))
      throw new ControlError(409, `PDS holds ${chosen}; pick another number`);
    return chosen;
  }
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const candidate = randomUnissuedNhsNumber();
    if (!(await context.pds.get(candidate))) return candidate;
  }
  throw new ControlError(500, "Could not find an NHS number PDS does not hold");
}

/** Sends an event (no PDS change, no version) for a number nobody holds. */
export async function runUnknownPatient(
  context: MnsContext,
  request: UnknownPatientRequest,
): Promise<PublishResult> {
  const nhsNumber = await unheldNumber(context, request.nhsNumber);
  const event = context.publisher.build(
    request.type ?? "pds-record-change-2",
    nhsNumber,
    undefined,
    request.format,
  );
  return publishResult(event, await context.publisher.deliver(event, request.attempts, "unknown-patient"));
}
