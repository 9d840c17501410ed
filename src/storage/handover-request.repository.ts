/** Hand-overs by Idempotency-Key (both dialects): what each made, never the patient's details. */
import type { Kysely, Selectable } from "kysely";
import type { HandoverRecord, HandoverRequestRepository } from "../patients/patients.ports.ts";
import type { DatabaseSchema, HandoverRequestsTable } from "./schema.ts";

export class SqlHandoverRequestRepository implements HandoverRequestRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async find(sessionId: string, keyHash: string, now: Date): Promise<HandoverRecord | undefined> {
    const row = await this.#db
      .selectFrom("handover_requests")
      .selectAll()
      .where("session_id", "=", sessionId)
      .where("key_hash", "=", keyHash)
      .where("expires_at", ">", now.getTime())
      .executeTakeFirst();
    return row ? recordOf(row) : undefined;
  }

  async save(record: HandoverRecord): Promise<HandoverRecord> {
    await this.#db
      .insertInto("handover_requests")
      .values({
        session_id: record.sessionId,
        key_hash: record.keyHash,
        request_hash: record.requestHash,
        context_id: record.contextId,
        check_id: record.checkId,
        status: record.status,
        created_at: record.at.getTime(),
        expires_at: record.expiresAt.getTime(),
      })
      // A key reused after its record expired starts again; a concurrent twin keeps the first.
      .onConflict((oc) =>
        oc
          .columns(["session_id", "key_hash"])
          .doUpdateSet({
            request_hash: record.requestHash,
            context_id: record.contextId,
            check_id: record.checkId,
            status: record.status,
            created_at: record.at.getTime(),
            expires_at: record.expiresAt.getTime(),
          })
          .where("handover_requests.expires_at", "<=", record.at.getTime()),
      )
      .execute();
    return (await this.find(record.sessionId, record.keyHash, record.at)) ?? record;
  }
}

function recordOf(row: Selectable<HandoverRequestsTable>): HandoverRecord {
  return {
    sessionId: row.session_id,
    keyHash: row.key_hash,
    requestHash: row.request_hash,
    contextId: row.context_id,
    checkId: row.check_id,
    status: row.status,
    at: new Date(Number(row.created_at)),
    expiresAt: new Date(Number(row.expires_at)),
  };
}
