/**
 * The intake port: every adapter (the signed HTTP endpoint today; an SQS or MESH poller later)
 * hands a delivery's raw bytes here once it has authenticated the sender in its own way. Intake
 * validates, seals and durably stores the event, reports its receipt, and only then says it is
 * accepted; processing happens later, elsewhere. A duplicate (same source and id) is accepted
 * without being stored again.
 *
 * Receipts are reported at least once without a write per event: the instance keeps in memory what
 * it stored but has not yet reported, and every `checkpointMs` records how far everything is
 * reported (one small write). If the process dies, its mark stops beating, and a sweep reports
 * again the receipts of everything it stored after the mark, under the same dedupe keys.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import type { ChangeSignal, IntakeChannel } from "./event.types.ts";
import { eventErrors } from "./events.errors.ts";
import type { EmitEventsEvent, EventReceived } from "./events.events.ts";
import type { InboxIntakeStore, NhsNumberIndexer, PayloadSealer } from "./events.ports.ts";
import { formatOf, readSignal, utf8 } from "./mns-signal.ts";
import { sealEvent } from "./sealed-event.ts";

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
  readonly indexer: NhsNumberIndexer;
  readonly sealer: PayloadSealer;
  readonly emit: EmitEventsEvent;
  readonly clock: Clock;
  readonly acceptedTypes: readonly string[];
  /** How often the instance records how far its receipts are reported. */
  readonly checkpointMs: number;
  readonly onError?: (error: unknown) => void;
}

export class EventIntakeService {
  /** This process's intake, as recorded on every event it stores. */
  readonly instance = `intake-${randomUUID()}`;
  readonly #deps: IntakeDeps;
  #started: Promise<void> | null = null;
  #running = false;
  #timer: ReturnType<typeof setInterval> | null = null;
  /** Stored events whose receipt is not yet reported: id → received time (ms). */
  readonly #unreported = new Map<string, number>();
  /** Receipts whose emission failed, tried again at each checkpoint. */
  readonly #failed = new Map<string, EventReceived>();

  constructor(deps: IntakeDeps) {
    this.#deps = deps;
  }

  /** Records this instance before it stores anything (done by the first `receive` if not before). */
  start(): Promise<void> {
    this.#started ??= (async () => {
      const now = this.#deps.clock.now().getTime();
      await this.#deps.store.markIntake(this.instance, new Date(now - 1), new Date(now));
      this.#timer = setInterval(() => void this.#checkpoint(), this.#deps.checkpointMs);
      this.#timer.unref();
      this.#running = true;
    })();
    return this.#started;
  }

  /** Records the final mark; forgets the instance if every receipt was reported. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    await this.#started;
    if (this.#timer) clearInterval(this.#timer);
    await this.#checkpoint();
    if (this.#unreported.size === 0) await this.#deps.store.endIntake(this.instance);
  }

  /**
   * Accepts the delivery once it is durably stored (or already was) and its receipt reported.
   *
   * @throws AppError from `eventErrors` for anything that is not a valid, subscribed MNS event.
   */
  async receive(delivery: Delivery): Promise<IntakeResult> {
    if (!this.#running) await this.start();
    const text = utf8(delivery.body);
    let signal: ChangeSignal;
    try {
      signal = this.#validated(delivery, text);
    } catch (error) {
      if (error instanceof AppError) await this.refused(delivery.channel, error.code, delivery.correlationId);
      throw error;
    }
    const id = randomUUID();
    const receivedAt = this.#deps.clock.now();
    // Known as unreported from before it is stored until its receipt is out: a checkpoint never
    // marks it reported early.
    this.#unreported.set(id, receivedAt.getTime());
    let outcome: Awaited<ReturnType<InboxIntakeStore["store"]>>;
    try {
      outcome = await this.#deps.store.store({
        id,
        source: signal.source,
        externalId: signal.externalId,
        channel: delivery.channel,
        format: signal.format,
        type: signal.type,
        subjectIndex: this.#deps.indexer.indexesOf(signal.subject).at(-1) as string,
        pdsVersion: signal.pdsVersion,
        occurredAt: signal.occurredAt,
        receivedAt,
        correlationId: delivery.correlationId,
        contentType: delivery.contentType ?? "",
        payloadSealed: sealEvent(this.#deps.sealer, id, signal.subject, text),
        intakeInstance: this.instance,
      });
    } catch (error) {
      this.#unreported.delete(id);
      throw error;
    }
    if (outcome === "duplicate") {
      this.#unreported.delete(id);
      await this.#deps.emit("event.duplicate_received", { ...this.#common(delivery, signal) });
      return { kind: "duplicate", signal };
    }
    await this.#report(id, {
      ...this.#common(delivery, signal),
      dedupeKey: receiptKeyOf(id),
      inboxId: id,
      format: signal.format,
      pdsVersion: signal.pdsVersion,
    });
    return { kind: "accepted", inboxId: id, signal };
  }

  /** Records a refused delivery (adapters call it for their own authentication failures too). */
  async refused(channel: IntakeChannel, code: string, correlationId: string): Promise<void> {
    await this.#deps.emit("event.rejected", { channel, code, correlationId });
  }

  #validated(delivery: Delivery, text: string): ChangeSignal {
    const format = formatOf(delivery.contentType);
    if (!format) throw new AppError(eventErrors.unsupported_media_type);
    return readSignal(format, text, this.#deps.acceptedTypes);
  }

  #common(delivery: Delivery, signal: ChangeSignal) {
    return {
      correlationId: delivery.correlationId,
      externalId: signal.externalId,
      source: signal.source,
      eventType: signal.type,
      channel: delivery.channel,
      nhsNumber: signal.subject,
    };
  }

  /** The event is stored: report its receipt, or keep it to try again (the delivery still fails). */
  async #report(id: string, receipt: EventReceived): Promise<void> {
    try {
      await this.#deps.emit("event.received", receipt);
      this.#unreported.delete(id);
    } catch (error) {
      this.#failed.set(id, receipt);
      throw error;
    }
  }

  async #checkpoint(): Promise<void> {
    try {
      for (const [id, receipt] of this.#failed) {
        await this.#deps.emit("event.received", receipt);
        this.#failed.delete(id);
        this.#unreported.delete(id);
      }
      const now = this.#deps.clock.now().getTime();
      let oldest = now;
      for (const at of this.#unreported.values()) oldest = Math.min(oldest, at);
      await this.#deps.store.markIntake(this.instance, new Date(oldest - 1), new Date(now));
    } catch (error) {
      this.#deps.onError?.(error);
    }
  }
}
