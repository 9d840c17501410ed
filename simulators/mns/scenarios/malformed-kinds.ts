/**
 * The ways a delivery can be wrong that a receiver must refuse (or at least survive): each kind
 * turns a well-formed signal into the body and headers actually sent. Every kind is wrong in one
 * way only, so a receiver's answer shows which check caught it.
 */
import type { MnsCloudEvent } from "../cloudevent.ts";
import { toCloudEvent } from "../cloudevent.ts";
import { CORRELATION_HEADER } from "../delivery.ts";
import { contentTypeOf, signalDocument } from "../encoding.ts";
import { toFhirSignal } from "../fhir-signal.ts";
import type { EventFormat, Signal } from "../signal.ts";
import { SIGNATURE_HEADER, signatureHeader, unixSeconds } from "../signature.ts";

export const MALFORMED_KINDS = [
  "not-json",
  "missing-subject",
  "wrong-type",
  "bad-signature",
  "stale-timestamp",
  "wrong-content-type",
] as const;

export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** A real MNS event type, but not one the product subscribes to. */
export const UNSUBSCRIBED_TYPE = "imms-vaccination-record-change-1";
/** How old the `stale-timestamp` kind's signature time is. */
export const STALE_BY_SECONDS = 600;

export interface MalformedDelivery {
  body: string;
  headers: Record<string, string>;
}

interface KindInput {
  signal: Signal;
  format: EventFormat;
  secret: string;
  correlationId: string;
  now: Date;
}

function withoutSubject(signal: Signal, format: EventFormat): unknown {
  if (format === "cloudevent") {
    const event: Partial<MnsCloudEvent> = toCloudEvent(signal);
    delete event.subject;
    return event;
  }
  const bundle = toFhirSignal(signal);
  for (const parameter of bundle.entry[0]?.resource.parameter ?? []) {
    if (parameter.part) parameter.part = parameter.part.filter((part) => part.name !== "subject");
  }
  return bundle;
}

function withUnsubscribedType(signal: Signal, format: EventFormat): unknown {
  if (format === "cloudevent") return { ...toCloudEvent(signal), type: UNSUBSCRIBED_TYPE };
  const bundle = toFhirSignal(signal);
  for (const parameter of bundle.entry[0]?.resource.parameter ?? []) {
    for (const part of parameter.part ?? [])
      if (part.name === "event-type") part.valueString = UNSUBSCRIBED_TYPE;
  }
  return bundle;
}

function bodyFor(kind: MalformedKind, signal: Signal, format: EventFormat): string {
  const wellFormed = JSON.stringify(signalDocument(signal, format));
  switch (kind) {
    case "not-json":
      // Cut mid-document: what a truncated write or a proxy error page looks like to a parser.
      return wellFormed.slice(0, Math.floor(wellFormed.length / 2));
    case "missing-subject":
      return JSON.stringify(withoutSubject(signal, format));
    case "wrong-type":
      return JSON.stringify(withUnsubscribedType(signal, format));
    default:
      return wellFormed;
  }
}

function signatureFor(kind: MalformedKind, input: KindInput, body: string): string {
  const now = unixSeconds(input.now);
  if (kind === "bad-signature") return signatureHeader(`${input.secret}-not-the-shared-secret`, now, body);
  if (kind === "stale-timestamp") return signatureHeader(input.secret, now - STALE_BY_SECONDS, body);
  return signatureHeader(input.secret, now, body);
}

/** The body and headers of one malformed delivery. */
export function malformedDelivery(kind: MalformedKind, input: KindInput): MalformedDelivery {
  const body = bodyFor(kind, input.signal, input.format);
  const contentType =
    kind === "wrong-content-type" ? "text/plain; charset=utf-8" : contentTypeOf(input.format);
  return {
    body,
    headers: {
      "Content-Type": contentType,
      [SIGNATURE_HEADER]: signatureFor(kind, input, body),
      [CORRELATION_HEADER]: input.correlationId,
    },
  };
}
