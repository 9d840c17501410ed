/**
 * Publishing one event the way MNS would see it happen: the change is made at PDS first, the
 * event reports the version PDS gave the record, and only then is it delivered. Taking the
 * version from the change's own answer (rather than a later read) keeps it right when several
 * changes to one patient run at once.
 */
import { randomUUID } from "node:crypto";
import type { Deliverer, DeliveryOutcome } from "./delivery.ts";
import { type PreparedEvent, prepareEvent } from "./encoding.ts";
import type { EventStore } from "./event-store.ts";
import { defaultChange } from "./pds-changes.ts";
import type { PdsChange, PdsControl, PdsRecord } from "./pds-control.ts";
import { type EventFormat, type EventType, patientUrl, type Signal } from "./signal.ts";

export interface PublisherSettings {
  defaultFormat: EventFormat;
  defaultAttempts: number;
  pdsBaseUrl: string;
}

export interface PublishRequest {
  type: EventType;
  nhsNumber: string;
  format?: EventFormat;
  /** PATCH body for PDS instead of the type's default change (not for NHS-number changes). */
  change?: PdsChange;
  /** For `nhs-number-change-2`: the surviving number (supersession); absent means invalidation. */
  survivor?: string;
  attempts?: number;
}

export interface PublishResult {
  eventId: string;
  type: EventType;
  format: EventFormat;
  nhsNumber: string;
  versionId?: string;
  /** The JSON document exactly as sent. */
  event: unknown;
  delivered: boolean;
  correlationId: string;
  attempts: DeliveryOutcome["attempts"];
}

/** Summarises a delivered event for a control-API answer. */
export function publishResult(event: PreparedEvent, outcome: DeliveryOutcome): PublishResult {
  const result: PublishResult = {
    eventId: event.id,
    type: event.type,
    format: event.format,
    nhsNumber: event.nhsNumber,
    event: event.json,
    delivered: outcome.delivered,
    correlationId: outcome.correlationId,
    attempts: outcome.attempts,
  };
  if (event.versionId !== undefined) result.versionId = event.versionId;
  return result;
}

export class Publisher {
  readonly settings: PublisherSettings;
  readonly #pds: PdsControl;
  readonly #deliverer: Deliverer;
  readonly #events: EventStore;
  /** Events per patient so far, so each patient's changes rotate through different values. */
  readonly #sequences = new Map<string, number>();

  constructor(pds: PdsControl, deliverer: Deliverer, events: EventStore, settings: PublisherSettings) {
    this.#pds = pds;
    this.#deliverer = deliverer;
    this.#events = events;
    this.settings = settings;
  }

  /** Makes the change at PDS, then delivers the event announcing it. */
  async publish(request: PublishRequest, purpose = "publish"): Promise<PublishResult> {
    const event = await this.prepare(request);
    return publishResult(event, await this.deliver(event, request.attempts, purpose));
  }

  /** Makes the change at PDS and builds (and remembers) its event, without sending it. */
  async prepare(request: PublishRequest): Promise<PreparedEvent> {
    const record = await this.#applyChange(request);
    return this.build(request.type, request.nhsNumber, record.versionId, request.format);
  }

  /** Builds and remembers an event for a change already made (or, with no version, none at all). */
  build(
    type: EventType,
    nhsNumber: string,
    versionId: string | undefined,
    format?: EventFormat,
  ): PreparedEvent {
    const event = prepareEvent(
      this.signal(type, nhsNumber, versionId),
      format ?? this.settings.defaultFormat,
    );
    this.#events.remember(event);
    return event;
  }

  /** A new signal (fresh id, the time now) pointing at the patient's PDS record. */
  signal(type: EventType, nhsNumber: string, versionId: string | undefined): Signal {
    const signal: Signal = {
      id: randomUUID(),
      type,
      nhsNumber,
      time: new Date().toISOString(),
      dataref: patientUrl(this.settings.pdsBaseUrl, nhsNumber),
    };
    if (versionId !== undefined) signal.versionId = versionId;
    return signal;
  }

  /** Starts every patient's rotation of change values afresh. */
  reset(): void {
    this.#sequences.clear();
  }

  /** Delivers an already built event (again, for duplicates). */
  deliver(event: PreparedEvent, attempts: number | undefined, purpose: string): Promise<DeliveryOutcome> {
    return this.#deliverer.deliver(event, attempts ?? this.settings.defaultAttempts, purpose);
  }

  #applyChange(request: PublishRequest): Promise<PdsRecord> {
    const sequence = this.#sequences.get(request.nhsNumber) ?? 0;
    this.#sequences.set(request.nhsNumber, sequence + 1);
    if (request.type === "nhs-number-change-2") {
      return request.survivor === undefined
        ? this.#pds.invalidate(request.nhsNumber)
        : this.#pds.supersede(request.nhsNumber, request.survivor);
    }
    const change = request.change ?? defaultChange(request.type, sequence, new Date()) ?? {};
    return this.#pds.patch(request.nhsNumber, change);
  }
}
