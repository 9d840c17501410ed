/**
 * The intake port: every adapter (the signed HTTP endpoint today; an SQS or MESH poller later)
 * hands a delivery's raw bytes here once it has authenticated the sender in its own way. Intake
 * validates, seals and durably stores the event, and only then says it is accepted; processing
 * happens later, elsewhere. A duplicate (same source and id) is accepted without being stored again.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import type { ChangeSignal, IntakeChannel } from "./event.types.ts";
import { eventErrors } from "./events.errors.ts";
import type { EmitEventsEvent } from "./events.events.ts";
import type { InboxIntakeStore, NhsNumberProtector, PayloadSealer } from "./events.ports.ts";
import { formatOf, readSignal } from "./mns-signal.ts";

/** `<inbox id>/received`: the dedupe key of a receipt, however often it is reported. */
export function receiptKeyOf(inboxId: string): string {
  return `${inboxId}/received`;
}

/** One delivery as an adapter received it. */
export interface Delivery {
  readonly channel: IntakeChannel;
  readonly contentType: string | undefined;
  /** The body exactly as received. */
  readonly body: Uint8Array;
  /** The delivery's correlation id (MNS's X-Correlation-ID over HTTP), carried into every record. */
  readonly correlationId: string;
}

export type IntakeResult =
  | { readonly kind: "accepted"; readonly inboxId: string; readonly signal: ChangeSignal }
  | { readonly kind: "duplicate"; readonly signal: ChangeSignal };

export interface IntakeDeps {
  readonly store: InboxIntakeStore;
  readonly protection: NhsNumberProtector;
  readonly sealer: PayloadSealer;
  readonly emit: EmitEventsEvent;
  readonly clock: Clock;
  readonly acceptedTypes: readonly string[];
  /** How long a receipt may stay unconfirmed before a sweep reports it again. */
  readonly reportGraceMs: number;
}

export class EventIntakeService {
  readonly #deps: IntakeDeps;

  constructor(deps: IntakeDeps) {
    this.#deps = deps;
  }

  /**
   * Accepts the delivery once it is durably stored (or already was).
   *
   * @throws AppError from `eventErrors` for anything that is not a valid, subscribed MNS event.
   */
  async receive(delivery: Delivery): Promise<IntakeResult> {
    let signal: ChangeSignal;
    try {
      const format = formatOf(delivery.contentType);
      if (!format) throw new AppError(eventErrors.unsupported_media_type);
      signal = readSignal(format, delivery.body, this.#deps.acceptedTypes);
    } catch (error) {
      if (error instanceof AppError) await this.refused(delivery.channel, error.code, delivery.correlationId);
      throw error;
    }
    const id = randomUUID();
    const subject = this.#deps.protection.protect(id, signal.subject);
    const receivedAt = this.#deps.clock.now();
    const outcome = await this.#deps.store.store({
      id,
      source: signal.source,
      externalId: signal.externalId,
      channel: delivery.channel,
      format: signal.format,
      type: signal.type,
      subjectCiphertext: subject.ciphertext,
      subjectIndex: subject.index,
      pdsVersion: signal.pdsVersion,
      occurredAt: signal.occurredAt,
      receivedAt,
      receiptDueAt: new Date(receivedAt.getTime() + this.#deps.reportGraceMs),
      correlationId: delivery.correlationId,
      contentType: delivery.contentType ?? "",
      payloadSealed: this.#deps.sealer.seal(id, Buffer.from(delivery.body).toString("utf8")),
    });
    const common = {
      correlationId: delivery.correlationId,
      externalId: signal.externalId,
      source: signal.source,
      eventType: signal.type,
      channel: delivery.channel,
      nhsNumber: signal.subject,
    };
    if (outcome === "duplicate") {
      await this.#deps.emit("event.duplicate_received", common);
      return { kind: "duplicate", signal };
    }
    // Stored first, then reported, then confirmed: a crash in between leaves the receipt to a sweep.
    await this.#deps.emit("event.received", {
      ...common,
      dedupeKey: receiptKeyOf(id),
      inboxId: id,
      format: signal.format,
      pdsVersion: signal.pdsVersion,
    });
    await this.#deps.store.confirmReceipt(id);
    return { kind: "accepted", inboxId: id, signal };
  }

  /** Records a refused delivery (adapters call it for their own authentication failures too). */
  async refused(channel: IntakeChannel, code: string, correlationId: string): Promise<void> {
    await this.#deps.emit("event.rejected", { channel, code, correlationId });
  }
}
