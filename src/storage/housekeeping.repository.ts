/**
 * Deletes operational records nobody can use any more (both dialects). Sessions go in batches, each
 * in one transaction with the patient contexts, PDS checks and launch ids bound to them, so a batch
 * is all gone or all there and no long transaction holds the database; finished change events go
 * in batches too.
 */
import type { Kysely } from "kysely";
import type { OperationalRecords, SessionRecordsDeleted } from "../ops/housekeeping.ts";
import { deleteRecordsElsewhereBefore } from "./records-elsewhere.repository.ts";
import type { DatabaseSchema } from "./schema.ts";

const NONE: SessionRecordsDeleted = { sessions: 0, patientContexts: 0, pdsChecks: 0, launchIds: 0 };

export class SqlOperationalRecords implements OperationalRecords {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async deleteSessionsExpiredBefore(cutoff: Date, batchSize: number): Promise<SessionRecordsDeleted> {
    let total = NONE;
    for (;;) {
      const batch = await this.#deleteSessionBatch(cutoff, batchSize);
      total = {
        sessions: total.sessions + batch.sessions,
        patientContexts: total.patientContexts + batch.patientContexts,
        pdsChecks: total.pdsChecks + batch.pdsChecks,
        launchIds: total.launchIds + batch.launchIds,
      };
      if (batch.sessions < batchSize) return total;
    }
  }

  async deleteApiAccessExpiredBefore(cutoff: Date): Promise<number> {
    const codes = await this.#db
      .deleteFrom("api_grants")
      .where("expires_at", "<", cutoff.getTime())
      .executeTakeFirst();
    const tokens = await this.#db
      .deleteFrom("api_tokens")
      .where("expires_at", "<", cutoff.getTime())
      .executeTakeFirst();
    return Number(codes.numDeletedRows) + Number(tokens.numDeletedRows);
  }

  async deleteLogoutTokenIdsExpiredBefore(cutoff: Date): Promise<number> {
    const result = await this.#db
      .deleteFrom("logout_token_jtis")
      .where("expires_at", "<", cutoff.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  deleteRecordsElsewhereBefore(cutoff: Date): Promise<{ pointerCache: number; pointerSeen: number }> {
    return deleteRecordsElsewhereBefore(this.#db, cutoff);
  }

  async deleteChangeEventsProcessedBefore(cutoff: Date, batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = (
        await this.#db
          .selectFrom("event_inbox")
          .select("id")
          .where("processed_at", "<", cutoff.getTime())
          .where("status", "in", ["processed", "skipped"])
          .where("report_due_at", "is", null)
          .limit(batchSize)
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return total;
      const result = await this.#db
        .deleteFrom("event_inbox")
        .where("id", "in", ids)
        // A replay since the selection makes the event pending again: it stays.
        .where("status", "in", ["processed", "skipped"])
        .where("report_due_at", "is", null)
        .executeTakeFirst();
      total += Number(result.numDeletedRows);
      if (ids.length < batchSize) return total;
    }
  }

  #deleteSessionBatch(cutoff: Date, batchSize: number): Promise<SessionRecordsDeleted> {
    return this.#db.transaction().execute(async (trx) => {
      const ids = (
        await trx
          .selectFrom("sessions")
          .select("id")
          .where("absolute_expires_at", "<", cutoff.getTime())
          .limit(batchSize)
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return NONE;
      const deleted = async (table: "launch_intents" | "pds_checks" | "patient_contexts" | "sessions") => {
        const column = table === "sessions" ? "id" : "session_id";
        const result = await trx.deleteFrom(table).where(column, "in", ids).executeTakeFirst();
        return Number(result.numDeletedRows);
      };
      await trx.deleteFrom("api_tokens").where("session_id", "in", ids).execute();
      await trx.deleteFrom("api_grants").where("session_id", "in", ids).execute();
      await trx.deleteFrom("handover_requests").where("session_id", "in", ids).execute();
      return {
        launchIds: await deleted("launch_intents"),
        pdsChecks: await deleted("pds_checks"),
        patientContexts: await deleted("patient_contexts"),
        sessions: await deleted("sessions"),
      };
    });
  }
}
