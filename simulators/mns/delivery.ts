/**
 * Delivery to the subscriber's HTTP endpoint. Real MNS hands events to SQS or MESH, which deliver
 * at least once; over HTTP that becomes: POST the event, treat only a 2xx as "accepted", and
 * otherwise retry with backoff a few times. Each attempt is signed afresh (a retry must not look
 * like a replay of an old delivery) and recorded in the delivery log.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { DeliveryLog } from "./delivery-log.ts";
import type { PreparedEvent } from "./encoding.ts";
import type { Transport } from "./mesh-transport.ts";
import { SIGNATURE_HEADER, signatureHeader, unixSeconds } from "./signature.ts";

export const CORRELATION_HEADER = "X-Correlation-ID";

export interface DeliverySettings {
  endpoint: string;
  secret: string;
  /** Wait before the first retry; it doubles for each further retry. */
  retryDelayMs: number;
  /** How long one attempt may take before it counts as failed. */
  attemptTimeoutMs: number;
  log: (line: string) => void;
  /** Instead of POSTing to `endpoint`: e.g. into a MESH mailbox (mesh-transport.ts). */
  transport?: Transport;
}

/** What one HTTP attempt is about, for the delivery log. */
export interface Envelope {
  eventId: string;
  type: string;
  format: string;
  nhsNumber: string;
  purpose: string;
}

export interface AttemptResult {
  attempt: number;
  status: number | null;
  error?: string;
  correlationId: string;
  time: string;
}

export interface DeliveryOutcome {
  delivered: boolean;
  correlationId: string;
  attempts: AttemptResult[];
}

/** Envelope of a prepared event, for the log. */
export function envelopeOf(event: PreparedEvent, purpose: string): Envelope {
  return { eventId: event.id, type: event.type, format: event.format, nhsNumber: event.nhsNumber, purpose };
}

export class Deliverer {
  readonly #settings: DeliverySettings;
  readonly #log: DeliveryLog;
  readonly #shutdown: AbortSignal;

  constructor(settings: DeliverySettings, log: DeliveryLog, shutdown: AbortSignal) {
    this.#settings = settings;
    this.#log = log;
    this.#shutdown = shutdown;
  }

  /**
   * Delivers an event, retrying until the receiver answers 2xx or `attempts` are used up. All
   * attempts of one delivery share one correlation id; a duplicate is a new delivery with its own.
   */
  async deliver(event: PreparedEvent, attempts: number, purpose: string): Promise<DeliveryOutcome> {
    const correlationId = randomUUID();
    const envelope = envelopeOf(event, purpose);
    const results: AttemptResult[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1 && !(await this.#backOff(attempt))) break;
      const headers = this.signedHeaders(event.body, event.contentType, correlationId);
      const result = await this.send(envelope, attempt, correlationId, event.body, headers);
      results.push(result);
      if (isAccepted(result.status)) return { delivered: true, correlationId, attempts: results };
    }
    return { delivered: false, correlationId, attempts: results };
  }

  /** The contract's headers for a body, signed now. */
  signedHeaders(body: string, contentType: string, correlationId: string): Record<string, string> {
    return {
      "Content-Type": contentType,
      [SIGNATURE_HEADER]: signatureHeader(this.#settings.secret, unixSeconds(new Date()), body),
      [CORRELATION_HEADER]: correlationId,
    };
  }

  /** One POST with exactly the given body and headers; never throws, always logged. */
  async send(
    envelope: Envelope,
    attempt: number,
    correlationId: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<AttemptResult> {
    const time = new Date().toISOString();
    const outcome = await this.#post(body, headers);
    const result: AttemptResult = { attempt, status: outcome.status, correlationId, time };
    if (outcome.error !== undefined) result.error = outcome.error;
    this.#log.add({ ...envelope, ...result });
    const answer = outcome.status ?? `no answer (${outcome.error ?? "unknown"})`;
    this.#settings.log(
      `${envelope.purpose} ${envelope.type} ${envelope.eventId} attempt ${attempt}: ${answer}`,
    );
    return result;
  }

  async #post(
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number | null; error?: string }> {
    const signal = AbortSignal.any([this.#shutdown, AbortSignal.timeout(this.#settings.attemptTimeoutMs)]);
    if (this.#settings.transport) return this.#settings.transport(body, headers, signal);
    try {
      const response = await fetch(this.#settings.endpoint, { method: "POST", body, headers, signal });
      // Drain the answer so the connection goes back to the pool for the next delivery.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      return { status: null, error: describeFailure(error) };
    }
  }

  /** Waits before retry number `attempt - 1`; false when the simulator is closing. */
  async #backOff(attempt: number): Promise<boolean> {
    const delay = this.#settings.retryDelayMs * 2 ** (attempt - 2);
    try {
      await sleep(delay, undefined, { signal: this.#shutdown });
      return true;
    } catch {
      return false;
    }
  }
}

/** Whether a receiver's answer means "durably accepted". */
export function isAccepted(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.name}${cause || `: ${error.message}`}`;
}
