/**
 * Intake's side of the event inbox (both dialects): each delivery's row goes in through group
 * commit, as part of one `INSERT … ON CONFLICT (source, external_id) DO NOTHING RETURNING id`. The
 * unique key decides duplicates inside the statement, so two deliveries of one event racing on two
 * instances still store it once; the rows the statement returns are the ones it stored. Each
 * intake instance's reporting mark is one small row, upserted at every checkpoint.
 */
import type { Kysely } from "kysely";
import type { NewInboxEvent } from "../events/event.types.ts";
import type { InboxIntakeStore, StoreOutcome } from "../events/events.ports.ts";
import { GroupCommit } from "../platform/group-commit.ts";
import { newRow } from "./event-rows.ts";
import type { EventsSchema } from "./events.schema.ts";

export class SqlEventIntakeStore implements InboxIntakeStore {
  readonly #db: Kysely<EventsSchema>;
  readonly #commits: GroupCommit<NewInboxEvent, StoreOutcome>;

  /** `maxBatch`: most rows per statement (each row is 26 parameters; both dialects allow far more). */
  constructor(db: Kysely<EventsSchema>, maxBatch: number) {
    this.#db = db;
    this.#commits = new GroupCommit({ maxBatch, lingerMs: 0 }, (events) => this.#insert(events));
  }

  store(event: NewInboxEvent): Promise<StoreOutcome> {
    return this.#commits.submit(event);
  }

  async markIntake(instance: string, reportedThrough: Date, now: Date): Promise<void> {
    await this.#db
      .insertInto("event_intake_marks")
      .values({ instance, reported_through: reportedThrough.getTime(), beat_at: now.getTime() })
      .onConflict((oc) =>
        oc
          .column("instance")
          .doUpdateSet({ reported_through: reportedThrough.getTime(), beat_at: now.getTime() }),
      )
      .execute();
  }

  async endIntake(instance: string): Promise<void> {
    await this.#db.deleteFrom("event_intake_marks").where("instance", "=", instance).execute();
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
