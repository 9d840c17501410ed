/**
 * Inspecting the inbox and replaying events, for the admin page, its API and the operations CLI.
 * Replay is safe at any time: processing re-reads PDS and applies only what is newer than what we
 * hold, so replaying everything after a change of logic converges instead of repeating effects.
 */
import type { Actor } from "../identity/identity.events.ts";
import { parseNhsNumber } from "../patients/nhs-number.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import type { EventStatus, InboxEvent } from "./event.types.ts";
import { eventErrors } from "./events.errors.ts";
import type { EmitEventsEvent } from "./events.events.ts";
import type {
  InboxAdminStore,
  InboxCounts,
  InboxFilter,
  NhsNumberIndexer,
  PayloadSealer,
  ReplaySelection,
} from "./events.ports.ts";
import { openEvent, subjectOf } from "./sealed-event.ts";

export interface EventAdminDeps {
  readonly store: InboxAdminStore;
  readonly indexer: NhsNumberIndexer;
  readonly sealer: PayloadSealer;
  readonly emit: EmitEventsEvent;
  readonly clock: Clock;
  /** Told after a replay put events back in the queue (wakes the local worker). */
  readonly onReplayed?: () => void;
}

export interface EventQuery {
  readonly status?: EventStatus;
  readonly type?: string;
  /** An NHS number as typed (spaces allowed); an invalid one matches nothing. */
  readonly nhsNumber?: string;
  readonly receivedFrom?: Date;
  readonly receivedTo?: Date;
  readonly before?: { readonly receivedAt: Date; readonly id: string };
}

/** One event with what is sealed at rest opened, for people allowed to see it. */
export interface EventDetail {
  readonly event: InboxEvent;
  readonly nhsNumber: string;
  readonly contentType: string;
  /** The body as received, pretty-printed when it is JSON. */
  readonly body: string;
}

export type ReplayActor = Actor | { readonly cli: string };

export const PAGE_SIZE = 50;

export class EventAdminService {
  readonly #deps: EventAdminDeps;

  constructor(deps: EventAdminDeps) {
    this.#deps = deps;
  }

  summary(): Promise<InboxCounts> {
    return this.#deps.store.counts();
  }

  /** Newest first, one page (PAGE_SIZE), with each event's NHS number opened. */
  async list(query: EventQuery): Promise<{ event: InboxEvent; nhsNumber: string }[]> {
    const filter: InboxFilter = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.receivedFrom ? { receivedFrom: query.receivedFrom } : {}),
      ...(query.receivedTo ? { receivedTo: query.receivedTo } : {}),
      ...(query.before ? { before: query.before } : {}),
      ...(query.nhsNumber !== undefined ? { subjectIndexes: this.#indexes(query.nhsNumber) } : {}),
    };
    const events = await this.#deps.store.list(filter, PAGE_SIZE);
    return events.map((event) => ({ event, nhsNumber: this.#subject(event) }));
  }

  /** @throws AppError `events.not_found`. */
  async get(id: string): Promise<EventDetail> {
    const event = await this.#deps.store.find(id);
    if (!event) throw new AppError(eventErrors.not_found);
    const { subject, body: text } = openEvent(this.#deps.sealer, event);
    let body = text;
    try {
      body = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Kept exactly as received.
    }
    return { event, nhsNumber: subject, contentType: event.contentType, body };
  }

  /**
   * Puts finished events back in the queue and records who asked.
   *
   * @throws AppError `events.not_found`, `events.replay_in_progress` (scope one), `events.replay_invalid`.
   */
  async replay(selection: ReplaySelection, by: ReplayActor, correlationId: string): Promise<number> {
    if (selection.kind === "range" && !(selection.from.getTime() < selection.to.getTime()))
      throw new AppError(eventErrors.replay_invalid);
    const result = await this.#deps.store.replay(selection, this.#deps.clock.now());
    if (result === "missing") throw new AppError(eventErrors.not_found);
    if (result === "claimed") throw new AppError(eventErrors.replay_in_progress);
    await this.#deps.emit("event.replayed", {
      correlationId,
      scope: selection.kind,
      count: result,
      inboxId: selection.kind === "one" ? selection.id : null,
      from: selection.kind === "range" ? selection.from.toISOString() : null,
      to: selection.kind === "range" ? selection.to.toISOString() : null,
      by,
    });
    if (result > 0) this.#deps.onReplayed?.();
    return result;
  }

  #indexes(text: string): string[] {
    const parsed = parseNhsNumber(text);
    return parsed.ok ? this.#deps.indexer.indexesOf(parsed.value) : [];
  }

  #subject(event: InboxEvent): string {
    try {
      return subjectOf(this.#deps.sealer, event);
    } catch {
      return "unreadable";
    }
  }
}
