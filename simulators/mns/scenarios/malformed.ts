/**
 * Sends one deliberately malformed delivery (see `malformed-kinds.ts`) once, without retries, and
 * reports how the receiver answered. No change is made at PDS: the event names the patient's
 * current version.
 */
import { randomUUID } from "node:crypto";
import type { AttemptResult } from "../delivery.ts";
import type { EventFormat } from "../signal.ts";
import type { MnsContext } from "../simulator-context.ts";
import { type MalformedKind, malformedDelivery, UNSUBSCRIBED_TYPE } from "./malformed-kinds.ts";

export interface MalformedRequest {
  kind: MalformedKind;
  nhsNumber?: string;
  format?: EventFormat;
}

export interface MalformedResult {
  kind: MalformedKind;
  eventId: string;
  /** The receiver's status, or null when it did not answer. */
  status: number | null;
  error?: string;
  /** Exactly what was sent. */
  body: string;
  headers: Record<string, string>;
}

const DEFAULT_PATIENT = "9000000009";

/** Sends one malformed delivery of the given kind. */
export async function runMalformed(context: MnsContext, request: MalformedRequest): Promise<MalformedResult> {
  const nhsNumber = request.nhsNumber ?? DEFAULT_PATIENT;
  const format = request.format ?? context.publisher.settings.defaultFormat;
  const record = await context.pds.get(nhsNumber);
  const signal = context.publisher.signal("pds-record-change-2", nhsNumber, record?.versionId);
  const correlationId = randomUUID();
  const input = { signal, format, secret: context.secret, correlationId, now: new Date() };
  const { body, headers } = malformedDelivery(request.kind, input);
  const type = request.kind === "wrong-type" ? UNSUBSCRIBED_TYPE : signal.type;
  const envelope = { eventId: signal.id, type, format, nhsNumber, purpose: `malformed:${request.kind}` };
  const attempt: AttemptResult = await context.deliverer.send(envelope, 1, correlationId, body, headers);
  const result: MalformedResult = {
    kind: request.kind,
    eventId: signal.id,
    status: attempt.status,
    body,
    headers,
  };
  if (attempt.error !== undefined) result.error = attempt.error;
  return result;
}
