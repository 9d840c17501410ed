/**
 * The MESH inbox poller: MNS delivers change events into our MESH mailbox, and this adapter hands
 * each to the intake port, acknowledging a message to MESH only once the intake has answered
 * accepted or duplicate (stored durably). A crash between the two leaves the message in the inbox;
 * it comes again and is a duplicate. Only the instance holding the `mesh-poller` lease polls; the
 * others stand by and take over when its lease runs out. Why: docs/adr/0020-mns-over-mesh.md.
 *
 * - A REPORT (MESH's error report, empty body) is logged and acknowledged, never passed on.
 * - A message the intake refuses (a 4xx AppError: not MNS's shape, unsubscribed type…) can never
 *   become valid: intake has recorded the refusal (`event.rejected`, audited with the correlation
 *   id), the log names the MESH message id, and it is acknowledged so it cannot block the inbox.
 * - Anything else (the database down, MESH failing) leaves the message unacknowledged and ends
 *   the poll; the next poll tries again.
 */
import { randomUUID } from "node:crypto";
import type { EventIntakeService } from "../../events/intake.service.ts";
import type { Clock } from "../../platform/clock.ts";
import { isAppError } from "../../platform/errors.ts";
import type { Lease } from "../../platform/lease.ts";
import type { MeshClient } from "./mesh-client.ts";
import { intakeContentType } from "./mesh-message.ts";

export const MESH_LEASE = "mesh-poller";
const DAY_MS = 86_400_000;

export type MessageOutcome = "accepted" | "duplicate" | "refused" | "report" | "gone" | "failed";

export interface PollerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface MeshPollerDeps {
  readonly client: Pick<MeshClient, "handshake" | "inbox" | "download" | "acknowledge" | "mailboxId">;
  readonly intake: Pick<EventIntakeService, "receive">;
  readonly lease: Lease;
  readonly clock: Clock;
  /** Between polls of an inbox that was drained (MESH: at most every 5 minutes). */
  readonly pollMs: number;
  /** How long a lease lasts unrenewed; a standby takes over this long after the holder died. */
  readonly leaseMs: number;
  /** `max_results` of the client's inbox pages: a full page means more may be waiting. */
  readonly pageSize: number;
  /** Messages downloaded and stored at once within a page. */
  readonly concurrency: number;
  readonly log: PollerLog;
  /** Called once per message handled (metrics). */
  readonly onMessage?: (outcome: MessageOutcome) => void;
}

export interface PollerStatus {
  readonly holder: boolean;
  readonly polls: number;
  readonly lastPollAt: Date | null;
  readonly lastError: string | null;
}

export class MeshPoller {
  /** This instance, as it appears in the lease. */
  readonly id = `mesh-${randomUUID()}`;
  readonly #deps: MeshPollerDeps;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #stopping = false;
  #tick: Promise<void> | null = null;
  #holder = false;
  #polls = 0;
  #lastPollAt: Date | null = null;
  #lastHandshakeAt: number | null = null;
  #lastError: string | null = null;

  constructor(deps: MeshPollerDeps) {
    if (deps.leaseMs < 3 * 100) throw new TypeError("the MESH lease must be at least 300 ms");
    this.#deps = deps;
  }

  status(): PollerStatus {
    return {
      holder: this.#holder,
      polls: this.#polls,
      lastPollAt: this.#lastPollAt,
      lastError: this.#lastError,
    };
  }

  /** Starts ticking: renew (or try for) the lease, and poll when holding it and a poll is due. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops after the message in hand, and gives the lease up so a standby need not wait. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#tick;
    if (this.#holder) await this.#deps.lease.release(MESH_LEASE, this.id).catch(() => undefined);
    this.#holder = false;
  }

  /** Polls now if this instance holds (or can take) the lease; resolves when the inbox is drained. */
  async pollNow(): Promise<boolean> {
    await this.#tick;
    if (!(await this.#renew())) return false;
    await this.#poll();
    return true;
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#once().finally(() => this.#schedule(this.#interval()));
    }, ms);
    this.#timer.unref();
  }

  /** Renewal must happen well inside the lease; a standby looks as often. */
  #interval(): number {
    return Math.min(this.#deps.pollMs, Math.floor(this.#deps.leaseMs / 3));
  }

  async #once(): Promise<void> {
    try {
      if (!(await this.#renew())) return;
      const due =
        this.#lastPollAt === null ||
        this.#deps.clock.now().getTime() - this.#lastPollAt.getTime() >= this.#deps.pollMs;
      if (due) await this.#poll();
    } catch (error) {
      this.#lastError = isAppError(error) ? error.code : String(error);
      this.#deps.log.warn(
        { err: error, code: this.#lastError },
        "polling the MESH inbox failed; trying again at the next poll",
      );
    }
  }

  async #renew(): Promise<boolean> {
    const was = this.#holder;
    this.#holder = await this.#deps.lease.acquire(
      MESH_LEASE,
      this.id,
      this.#deps.clock.now(),
      this.#deps.leaseMs,
    );
    if (this.#holder && !was)
      this.#deps.log.info({ poller: this.id }, "this instance now polls the MESH inbox");
    if (!this.#holder && was)
      this.#deps.log.warn({ poller: this.id }, "another instance took the MESH poller lease");
    return this.#holder;
  }

  /** Handshake when due, then drain: page after page while MESH says there are more. */
  async #poll(): Promise<void> {
    const now = this.#deps.clock.now();
    if (this.#lastHandshakeAt === null || now.getTime() - this.#lastHandshakeAt >= DAY_MS) {
      await this.#deps.client.handshake();
      this.#lastHandshakeAt = now.getTime();
    }
    this.#lastPollAt = now;
    this.#polls++;
    let next: string | null = null;
    let more = true;
    let renewedAt = now.getTime();
    while (more && !this.#stopping) {
      const page = await this.#deps.client.inbox(next);
      await this.#handleAll(page.messageIds);
      // MESH: follow `links.next`; after a full page without one, list again straight away.
      next = page.next;
      more = next !== null || page.messageIds.length >= this.#deps.pageSize;
      if (this.#deps.clock.now().getTime() - renewedAt >= this.#deps.leaseMs / 3) {
        if (!(await this.#renew())) return;
        renewedAt = this.#deps.clock.now().getTime();
      }
    }
    this.#lastError = null;
  }

  /** The page's messages, `concurrency` at a time; the first failure ends the poll (after the rest in hand). */
  async #handleAll(ids: readonly string[]): Promise<void> {
    const queue = [...ids];
    let failure: unknown = null;
    const lane = async () => {
      for (let id = queue.shift(); id !== undefined && failure === null; id = queue.shift()) {
        try {
          this.#deps.onMessage?.(await this.#handle(id));
        } catch (error) {
          this.#deps.onMessage?.("failed");
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.#deps.concurrency) }, lane));
    if (failure !== null) throw failure;
  }

  async #handle(messageId: string): Promise<MessageOutcome> {
    const { client, log } = this.#deps;
    let message: Awaited<ReturnType<MeshPollerDeps["client"]["download"]>>;
    try {
      message = await client.download(messageId);
    } catch (error) {
      if (isAppError(error) && error.code === "mesh.message_gone") {
        log.warn({ meshMessageId: messageId }, "a MESH message listed in the inbox was gone when downloaded");
        return "gone";
      }
      throw error;
    }
    if (message.messageType !== "DATA") {
      log.warn(
        { meshMessageId: messageId, messageType: message.messageType, statusCode: message.statusCode },
        "a MESH report (not an event) arrived in the inbox; acknowledged without processing",
      );
      await client.acknowledge(messageId);
      return "report";
    }
    const correlationId = randomUUID();
    const outcome = await this.#store(message, correlationId);
    await client.acknowledge(messageId);
    log.info({ meshMessageId: messageId, correlationId, outcome }, "MESH message stored and acknowledged");
    return outcome;
  }

  async #store(
    message: { readonly messageId: string; readonly contentType: string | undefined; readonly body: Buffer },
    correlationId: string,
  ): Promise<"accepted" | "duplicate" | "refused"> {
    try {
      const result = await this.#deps.intake.receive({
        channel: "mesh",
        contentType: intakeContentType(message.contentType, message.body),
        body: message.body,
        correlationId,
      });
      return result.kind;
    } catch (error) {
      // A 4xx from intake is about the message itself: it will never be valid, and intake has
      // recorded the refusal. Anything else is ours to retry: leave the message in the inbox.
      if (isAppError(error) && error.status >= 400 && error.status < 500) {
        this.#deps.log.warn(
          { meshMessageId: message.messageId, correlationId, code: error.code },
          "a MESH message is not a valid MNS event; refusal recorded, acknowledged so it does not block the inbox",
        );
        return "refused";
      }
      throw error;
    }
  }
}
