/**
 * Turns a signal into the exact bytes and content type that go on the wire, so that retries and
 * duplicates resend the very same body (and a subscriber's signature check sees the same input).
 */
import { CLOUDEVENT_CONTENT_TYPE, toCloudEvent } from "./cloudevent.ts";
import { FHIR_CONTENT_TYPE, toFhirSignal } from "./fhir-signal.ts";
import type { EventFormat, EventType, Signal } from "./signal.ts";

/** An event ready to deliver: its identity plus the serialised body. */
export interface PreparedEvent {
  id: string;
  type: EventType;
  format: EventFormat;
  nhsNumber: string;
  versionId?: string;
  contentType: string;
  /** The JSON document as sent. */
  json: unknown;
  /** `JSON.stringify(json)`, UTF-8 on the wire. */
  body: string;
}

/** The JSON document of a signal in the given format. */
export function signalDocument(signal: Signal, format: EventFormat): unknown {
  return format === "cloudevent" ? toCloudEvent(signal) : toFhirSignal(signal);
}

/** The content type MNS uses for a format. */
export function contentTypeOf(format: EventFormat): string {
  return format === "cloudevent" ? CLOUDEVENT_CONTENT_TYPE : FHIR_CONTENT_TYPE;
}

/** Serialises a signal for delivery. */
export function prepareEvent(signal: Signal, format: EventFormat): PreparedEvent {
  const json = signalDocument(signal, format);
  const prepared: PreparedEvent = {
    id: signal.id,
    type: signal.type,
    format,
    nhsNumber: signal.nhsNumber,
    contentType: contentTypeOf(format),
    json,
    body: JSON.stringify(json),
  };
  if (signal.versionId !== undefined) prepared.versionId = signal.versionId;
  return prepared;
}
