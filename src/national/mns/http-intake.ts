/**
 * The HTTP intake adapter: MNS (or the local MNS simulator) POSTs each event to us, signed with a
 * shared secret. This adapter authenticates the delivery (X-MNS-Signature over the exact body, with
 * its timestamp inside the replay window) and hands the raw bytes to the intake port. It knows the
 * delivery contract, not Fastify: the route in src/web/routes/events.routes.ts only passes it the
 * headers and body. An SQS or MESH poller is another adapter calling the same port (see README).
 */
import type { KeyObject } from "node:crypto";
import type { Delivery, EventIntakeService, IntakeResult } from "../../events/intake.service.ts";
import { signingKey, verifySignature } from "../../events/mns-signature.ts";
import type { Clock } from "../../platform/clock.ts";
import { AppError } from "../../platform/errors.ts";

export const SIGNATURE_HEADER = "x-mns-signature";

export interface HttpIntakeDeps {
  readonly intake: EventIntakeService;
  readonly clock: Clock;
  /** Every secret currently accepted (more than one while a secret is being rotated). */
  readonly secrets: readonly string[];
  readonly windowSeconds: number;
  /**
   * Where deliveries whose signature fails are counted: nothing shows who sent them, so each is not
   * worth a permanent record of its own (a signed delivery that is refused later still gets one).
   */
  readonly unauthenticated: {
    count(r: { channel: string; outcome: string; code: string; correlationId: string }): void;
  };
}

/** One HTTP delivery as received. */
export interface HttpDelivery {
  readonly signature: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
  readonly correlationId: string;
}

export class MnsHttpIntake {
  readonly #deps: HttpIntakeDeps;
  readonly #keys: readonly KeyObject[];

  constructor(deps: HttpIntakeDeps) {
    if (deps.secrets.length === 0 || deps.secrets.some((s) => s.length < 16))
      throw new TypeError("MNS signing secrets must be configured, each at least 16 characters");
    this.#deps = deps;
    this.#keys = deps.secrets.map(signingKey);
  }

  /**
   * Authenticates, then accepts (or refuses) the delivery through the intake port.
   *
   * @throws AppError from the events catalogue; nothing is stored when it throws.
   */
  async receive(delivery: HttpDelivery): Promise<IntakeResult> {
    try {
      verifySignature({
        header: delivery.signature,
        body: delivery.body,
        secrets: this.#keys,
        now: this.#deps.clock.now(),
        windowSeconds: this.#deps.windowSeconds,
      });
    } catch (error) {
      if (error instanceof AppError)
        this.#deps.unauthenticated.count({
          channel: "event_intake",
          outcome: "event.rejected",
          code: error.code,
          correlationId: delivery.correlationId,
        });
      throw error;
    }
    const port: Delivery = {
      channel: "http",
      contentType: delivery.contentType,
      body: delivery.body,
      correlationId: delivery.correlationId,
    };
    return this.#deps.intake.receive(port);
  }
}
