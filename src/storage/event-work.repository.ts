/**
 * The workers' side of the event inbox (both dialects). Claims take every waiting event of a few
 * subjects at once; on PostgreSQL candidate rows are locked `FOR UPDATE SKIP LOCKED`, so workers in
 * several instances take different events without waiting on each other. A claim is a lease: a
 * worker that dies leaves events another worker takes over when the lease lapses. Every later
 * change checks the claim is still this worker's, so a worker that lost its lease changes nothing.
 * One worker at a time applies changes to a patient (a held lease per patient).
 */
import type { ExpressionBuilder, Kysely } from "kysely";
import type { InboxEvent } from "../events/event.types.ts";
import type { Completion, InboxWorkStore } from "../events/events.ports.ts";
import type { Dialect } from "./database.ts";
import { toInboxEvent } from "./event-rows.ts";
import type { EventsSchema } from "./events.schema.ts";

type Eb = ExpressionBuilder<EventsSchema, "event_inbox">;

/** Waiting and due, or claimed by a worker whose lease has lapsed. */
function claimable(nowMs: number) {
  return (eb: Eb) =>
    eb.or([
      eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", nowMs)]),
      eb.and([eb("status", "=", "claimed"), eb("lease_until", "<", nowMs)]),
    ]);
}

export class SqlEventWorkStore implements InboxWorkStore {
  readonly #db: Kysely<EventsSchema>;
  readonly #lock: boolean;

  constructor(db: Kysely<EventsSchema>, dialect: Dialect) {
    this.#db = db;
    // SQLite has one writer and no row locks; its transactions are serialised whole.
    this.#lock = dialect === "postgres";
  }

  async claim(workerId: string, now: Date, leaseMs: number, maxSubjects: number): Promise<InboxEvent[]> {
    const nowMs = now.getTime();
    return this.#db.transaction().execute(async (trx) => {
      let candidates = trx
        .selectFrom("event_inbox")
        .select("subject_index")
        .where(claimable(nowMs))
        .orderBy("next_attempt_at")
        .orderBy("received_at")
        .limit(maxSubjects * 4);
      if (this.#lock) candidates = candidates.forUpdate().skipLocked();
      const subjects = [...new Set((await candidates.execute()).map((c) => c.subject_index))].slice(
        0,
        maxSubjects,
      );
      if (subjects.length === 0) return [];
      let ids = trx
        .selectFrom("event_inbox")
        .select("id")
        .where("subject_index", "in", subjects)
        .where(claimable(nowMs));
      if (this.#lock) ids = ids.forUpdate().skipLocked();
      const rows = await trx
        .updateTable("event_inbox")
        .set((eb) => ({
          status: "claimed",
          claimed_by: workerId,
          lease_until: nowMs + leaseMs,
          attempts: eb("attempts", "+", 1),
        }))
        .where("id", "in", ids)
        .returningAll()
        .execute();
      return rows.map(toInboxEvent);
    });
  }

  async renew(workerId: string, now: Date, leaseMs: number): Promise<void> {
    const until = now.getTime() + leaseMs;
    await this.#db
      .updateTable("event_inbox")
      .set({ lease_until: until })
      .where("claimed_by", "=", workerId)
      .where("status", "=", "claimed")
      .execute();
    await this.#db
      .updateTable("event_patient_holds")
      .set({ lease_until: until })
      .where("holder", "=", workerId)
      .execute();
  }

  async holdPatient(patientId: string, workerId: string, now: Date, leaseMs: number): Promise<boolean> {
    const held = await this.#db
      .insertInto("event_patient_holds")
      .values({ patient_id: patientId, holder: workerId, lease_until: now.getTime() + leaseMs })
      .onConflict((oc) =>
        oc
          .column("patient_id")
          .doUpdateSet((eb) => ({
            holder: eb.ref("excluded.holder"),
            lease_until: eb.ref("excluded.lease_until"),
          }))
          .where((eb) =>
            eb.or([
              eb("event_patient_holds.lease_until", "<", now.getTime()),
              eb("event_patient_holds.holder", "=", workerId),
            ]),
          ),
      )
      .returning("patient_id")
      .execute();
    return held.length === 1;
  }

  async releasePatient(patientId: string, workerId: string): Promise<void> {
    await this.#db
      .deleteFrom("event_patient_holds")
      .where("patient_id", "=", patientId)
      .where("holder", "=", workerId)
      .execute();
  }

  async defer(ids: readonly string[], workerId: string, at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.#mine(ids, workerId)
      .set((eb) => ({
        status: "pending",
        claimed_by: null,
        lease_until: null,
        next_attempt_at: at.getTime(),
        attempts: eb("attempts", "-", 1),
      }))
      .execute();
  }

  async complete(
    completions: readonly Completion[],
    workerId: string,
    now: Date,
    reportDueAt: Date,
  ): Promise<string[]> {
    if (completions.length === 0) return [];
    // One UPDATE per distinct result, all in one transaction: a group is recorded whole or not at all.
    const groups = new Map<string, Completion[]>();
    for (const c of completions) {
      const key = JSON.stringify([c.status, c.outcome, c.notable, c.patientId]);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    return this.#db.transaction().execute(async (trx) => {
      const done: string[] = [];
      for (const group of groups.values()) {
        const first = group[0] as Completion;
        const rows = await trx
          .updateTable("event_inbox")
          .set({
            status: first.status,
            outcome: first.outcome,
            notable_json: first.notable.length > 0 ? JSON.stringify(first.notable) : null,
            patient_id: first.patientId,
            processed_at: now.getTime(),
            claimed_by: null,
            lease_until: null,
            last_error: null,
            report_due_at: reportDueAt.getTime(),
          })
          .where(
            "id",
            "in",
            group.map((c) => c.id),
          )
          .where("claimed_by", "=", workerId)
          .where("status", "=", "claimed")
          .returning("id")
          .execute();
        done.push(...rows.map((r) => r.id));
      }
      return done;
    });
  }

  async markReported(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#db.updateTable("event_inbox").set({ report_due_at: null }).where("id", "in", ids).execute();
  }

  async takeUnreported(now: Date, reportDueAt: Date, limit: number): Promise<InboxEvent[]> {
    return this.#db.transaction().execute(async (trx) => {
      let due = trx
        .selectFrom("event_inbox")
        .select("id")
        .where("report_due_at", "<", now.getTime())
        .orderBy("report_due_at")
        .limit(limit);
      if (this.#lock) due = due.forUpdate().skipLocked();
      const rows = await trx
        .updateTable("event_inbox")
        .set({ report_due_at: reportDueAt.getTime() })
        .where("id", "in", due)
        .returningAll()
        .execute();
      return rows.map(toInboxEvent);
    });
  }

  async takeAbandonedIntake(now: Date, staleBefore: Date) {
    return this.#db.transaction().execute(async (trx) => {
      let stale = trx
        .selectFrom("event_intake_marks")
        .select(["instance", "reported_through"])
        .where("beat_at", "<", staleBefore.getTime())
        .orderBy("beat_at")
        .limit(1);
      if (this.#lock) stale = stale.forUpdate().skipLocked();
      const mark = await stale.executeTakeFirst();
      if (!mark) return null;
      // Renewed, so no other sweep takes it while this one reports; forgotten once done.
      await trx
        .updateTable("event_intake_marks")
        .set({ beat_at: now.getTime() })
        .where("instance", "=", mark.instance)
        .execute();
      const rows = await trx
        .selectFrom("event_inbox")
        .selectAll()
        .where("intake_instance", "=", mark.instance)
        .where("received_at", ">", mark.reported_through)
        .execute();
      return { instance: mark.instance, events: rows.map(toInboxEvent) };
    });
  }

  async forgetIntake(instance: string): Promise<void> {
    await this.#db.deleteFrom("event_intake_marks").where("instance", "=", instance).execute();
  }

  async scheduleRetry(id: string, workerId: string, at: Date, code: string): Promise<boolean> {
    const result = await this.#mine([id], workerId)
      .set({
        status: "pending",
        claimed_by: null,
        lease_until: null,
        next_attempt_at: at.getTime(),
        last_error: code,
      })
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deadLetter(
    id: string,
    workerId: string,
    reason: string,
    now: Date,
    reportDueAt: Date,
  ): Promise<boolean> {
    const result = await this.#mine([id], workerId)
      .set({
        status: "dead",
        claimed_by: null,
        lease_until: null,
        last_error: reason,
        processed_at: now.getTime(),
        report_due_at: reportDueAt.getTime(),
      })
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** An UPDATE of these rows, only where this worker's claim still stands. */
  #mine(ids: readonly string[], workerId: string) {
    return this.#db
      .updateTable("event_inbox")
      .where("id", "in", ids)
      .where("claimed_by", "=", workerId)
      .where("status", "=", "claimed");
  }
}
