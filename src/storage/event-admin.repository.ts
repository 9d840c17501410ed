/**
 * Inspection and replay of the event inbox, and the feed of notable changes (both dialects).
 * Replay is one UPDATE per request: finished events go back to waiting with their attempts reset
 * and a new generation, and processing (idempotent) does the rest.
 */
import type { Kysely } from "kysely";
import type { EventStatus, InboxEvent } from "../events/event.types.ts";
import type {
  InboxAdminStore,
  InboxCounts,
  InboxFilter,
  NotableRecord,
  ReplaySelection,
} from "../events/events.ports.ts";
import type { NotableChange } from "../patients/national-change.ts";
import { FINISHED_STATUSES, toInboxEvent } from "./event-rows.ts";
import type { EventsSchema } from "./events.schema.ts";

export class SqlEventAdminStore implements InboxAdminStore {
  readonly #db: Kysely<EventsSchema>;

  constructor(db: Kysely<EventsSchema>) {
    this.#db = db;
  }

  async find(id: string) {
    const row = await this.#db.selectFrom("event_inbox").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toInboxEvent(row) : undefined;
  }

  async list(filter: InboxFilter, limit: number): Promise<InboxEvent[]> {
    let q = this.#db.selectFrom("event_inbox").selectAll();
    if (filter.status) q = q.where("status", "=", filter.status);
    if (filter.type) q = q.where("event_type", "=", filter.type);
    if (filter.subjectIndexes) q = q.where("subject_index", "in", [...filter.subjectIndexes, ""]);
    if (filter.receivedFrom) q = q.where("received_at", ">=", filter.receivedFrom.getTime());
    if (filter.receivedTo) q = q.where("received_at", "<", filter.receivedTo.getTime());
    const before = filter.before;
    if (before)
      q = q.where((eb) =>
        eb.or([
          eb("received_at", "<", before.receivedAt.getTime()),
          eb.and([eb("received_at", "=", before.receivedAt.getTime()), eb("id", "<", before.id)]),
        ]),
      );
    const rows = await q.orderBy("received_at", "desc").orderBy("id", "desc").limit(limit).execute();
    return rows.map(toInboxEvent);
  }

  async counts(): Promise<InboxCounts> {
    const rows = await this.#db
      .selectFrom("event_inbox")
      .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    const byStatus: Record<EventStatus, number> = {
      pending: 0,
      claimed: 0,
      processed: 0,
      skipped: 0,
      dead: 0,
    };
    for (const r of rows) byStatus[r.status as EventStatus] = Number(r.n);
    const oldest = await this.#db
      .selectFrom("event_inbox")
      .select((eb) => eb.fn.min("received_at").as("at"))
      .where("status", "in", ["pending", "claimed"])
      .executeTakeFirst();
    const at = oldest?.at ?? null;
    return {
      byStatus,
      backlog: byStatus.pending + byStatus.claimed,
      oldestUnprocessedAt: at === null ? null : new Date(Number(at)),
    };
  }

  async replay(selection: ReplaySelection, now: Date): Promise<number | "claimed" | "missing"> {
    let q = this.#db
      .updateTable("event_inbox")
      .set((eb) => ({
        status: "pending",
        attempts: 0,
        next_attempt_at: now.getTime(),
        generation: eb("generation", "+", 1),
        outcome: null,
        notable_json: null,
        patient_id: null,
        last_error: null,
        processed_at: null,
      }))
      .where("status", "in", [...FINISHED_STATUSES])
      // An event whose last processing is not yet reported keeps it until it is.
      .where("report_due_at", "is", null);
    if (selection.kind === "one") q = q.where("id", "=", selection.id);
    if (selection.kind === "dead") q = q.where("status", "=", "dead");
    if (selection.kind === "range")
      q = q
        .where("received_at", ">=", selection.from.getTime())
        .where("received_at", "<", selection.to.getTime());
    const result = await q.executeTakeFirst();
    const count = Number(result.numUpdatedRows);
    if (selection.kind !== "one" || count > 0) return count;
    const row = await this.#db
      .selectFrom("event_inbox")
      .select(["status", "report_due_at"])
      .where("id", "=", selection.id)
      .executeTakeFirst();
    if (!row) return "missing";
    return row.status === "pending" ? 0 : "claimed";
  }

  async notableSince(since: Date, limit: number): Promise<NotableRecord[]> {
    const rows = await this.#db
      .selectFrom("event_inbox")
      .select(["id", "patient_id", "notable_json", "processed_at"])
      .where("processed_at", ">=", since.getTime())
      .where("notable_json", "is not", null)
      .where("patient_id", "is not", null)
      .orderBy("processed_at")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      inboxId: r.id,
      patientId: r.patient_id as string,
      notable: JSON.parse(r.notable_json as string) as NotableChange[],
      processedAt: new Date(r.processed_at as number),
    }));
  }
}
