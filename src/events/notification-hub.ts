/**
 * Live notifications for open patient pages. Any instance may process an event while the page
 * that should hear of it is connected to another, so each instance reads the durable record of
 * processed events (not its own memory): while at least one page listens, it polls for notable
 * changes processed since the last look and hands each to the pages listening for that patient.
 * One query per instance per interval, however many pages are open.
 */
import type { Clock } from "../platform/clock.ts";
import type { InboxAdminStore, NotableRecord } from "./events.ports.ts";
import {
  type NotificationPolicy,
  notificationsFor,
  type PatientNotification,
} from "./notification-policy.ts";

/** Look back this far beyond the last poll, so an event committed late by another instance is not missed. */
const OVERLAP_MS = 5000;
const BATCH = 500;

export interface HubDeps {
  readonly store: Pick<InboxAdminStore, "notableSince">;
  readonly clock: Clock;
  readonly pollMs: number;
  readonly policy: NotificationPolicy;
  readonly onError?: (error: unknown) => void;
}

interface Listener {
  readonly patientId: string;
  readonly since: number;
  readonly deliver: (notifications: readonly PatientNotification[]) => void;
}

export class NotificationHub {
  readonly #deps: HubDeps;
  readonly #listeners = new Set<Listener>();
  /** Processed events already handed out, by id, with their processing time (pruned as the window moves). */
  readonly #seen = new Map<string, number>();
  #since = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #polling: Promise<void> | null = null;

  constructor(deps: HubDeps) {
    this.#deps = deps;
  }

  /** Hands `deliver` the notifications for changes to this patient processed from now on. */
  subscribe(patientId: string, deliver: Listener["deliver"]): () => void {
    const now = this.#deps.clock.now().getTime();
    if (this.#listeners.size === 0) this.#since = now - OVERLAP_MS;
    const listener: Listener = { patientId, since: now, deliver };
    this.#listeners.add(listener);
    this.#schedule();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = null;
      }
    };
  }

  /** Looks now rather than at the next interval (this instance just processed something notable). */
  nudge(): void {
    if (this.#listeners.size > 0) void this.poll();
  }

  /** One look for new notable changes (tests call it to avoid waiting). */
  poll(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = null;
    });
    return this.#polling;
  }

  stop(): void {
    this.#listeners.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer || this.#listeners.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.poll().finally(() => this.#schedule());
    }, this.#deps.pollMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    const started = this.#deps.clock.now().getTime();
    try {
      const records = await this.#deps.store.notableSince(new Date(this.#since), BATCH);
      for (const record of records) this.#hand(record);
      const last = records.at(-1);
      // A full page may have more behind it: continue from its last record, else from this poll.
      this.#since = records.length === BATCH && last ? last.processedAt.getTime() : started - OVERLAP_MS;
      for (const [id, at] of this.#seen) if (at < this.#since - OVERLAP_MS) this.#seen.delete(id);
    } catch (error) {
      this.#deps.onError?.(error);
    }
  }

  #hand(record: NotableRecord): void {
    if (this.#seen.has(record.inboxId)) return;
    this.#seen.set(record.inboxId, record.processedAt.getTime());
    const notifications = notificationsFor(record.inboxId, record.notable, this.#deps.policy);
    if (notifications.length === 0) return;
    for (const listener of this.#listeners)
      if (listener.patientId === record.patientId && record.processedAt.getTime() >= listener.since)
        listener.deliver(notifications);
  }
}
