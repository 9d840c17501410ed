/**
 * Intake's side of the event inbox (both dialects): each delivery's row goes in through group
 * commit, as part of one `INSERT … ON CONFLICT (source, external_id) DO NOTHING RETURNING id`. The
 * unique key decides duplicates inside the statement, so two deliveries of one event racing on two
 * instances still store it once; the rows the statement returns are the ones it stored.
 */
import type { Kysely } from "kysely";
import type { NewInboxEvent } from "../events/event.types.ts";
import type { InboxIntakeStore, StoreOutcome } from "../events/events.ports.ts";
import { EventGroupCommit } from "./event-group-commit.ts";
import { newRow } from "./event-rows.ts";
import type { EventsSchema } from "./events.schema.ts";

export class SqlEventIntakeStore implements InboxIntakeStore {
  readonly #db: Kysely<EventsSchema>;
  readonly #commits: EventGroupCommit<NewInboxEvent, StoreOutcome>;
  readonly #receipts: EventGroupCommit<string, void>;

  /** `maxBatch`: most rows per statement (each row is 26 parameters; both dialects allow far more). */
  constructor(db: Kysely<EventsSchema>, maxBatch: number) {
    this.#db = db;
    this.#commits = new EventGroupCommit(maxBatch, (events) => this.#insert(events));
    this.#receipts = new EventGroupCommit(maxBatch, (ids) => this.#confirm(ids));
  }

  confirmReceipt(id: string): Promise<void> {
    return this.#receipts.submit(id);
  }

  async #confirm(ids: readonly string[]): Promise<void[]> {
    await this.#db.updateTable("event_inbox").set({ receipt_due_at: null }).where("id", "in", ids).execute();
    return ids.map(() => undefined);
  }

  store(event: NewInboxEvent): Promise<StoreOutcome> {
    return this.#commits.submit(event);
  }

  async #insert(events: readonly NewInboxEvent[]): Promise<StoreOutcome[]> {
    const stored = await this.#db
      .insertInto("event_inbox")
      .values(events.map(newRow))
      .onConflict((oc) => oc.columns(["source", "external_id"]).doNothing())
      .returning("id")
      .execute();
    const ids = new Set(stored.map((r) => r.id));
    return events.map((e) => (ids.has(e.id) ? "stored" : "duplicate"));
  }
}
