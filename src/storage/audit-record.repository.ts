/**
 * The audit record store on both dialects. One writer at a time extends the chain: every append
 * transaction starts by updating the single chain-head row, which takes its lock (a row lock on
 * PostgreSQL, the database write lock on SQLite) before the head is read, so appends from any
 * number of instances queue on it and the chain stays one. The records, the Merkle nodes and the
 * new head are written in that same transaction, so a commit is all of it or none.
 */
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type {
  AccessSummaryRow,
  AppendOptions,
  AuditRecordStore,
  ChainHead,
  RecordQuery,
  SealedBatch,
  StoredRef,
} from "../audit/audit.ports.ts";
import type { StoredRecord } from "../audit/audit-record.ts";
import type { AuditChainHeadTable, AuditRecordsTable, DatabaseSchema } from "./schema.ts";

/** Rows per INSERT statement: well under both dialects' limits on bound parameters. */
const INSERT_CHUNK = 500;

const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
// A Buffer is a Uint8Array; not copying it saves an allocation per record on a full verify.
const bytes = (text: string): Uint8Array => Buffer.from(text, "base64");

/** A stored row as a record; fields are taken as they are, so a tampered row verifies as broken. */
export function recordOfRow(row: Selectable<AuditRecordsTable>): StoredRecord {
  return {
    seq: Number(row.seq),
    hash: bytes(row.hash),
    v: Number(row.v),
    id: row.id,
    time: Number(row.recorded_at),
    type: row.event_type,
    outcome: row.outcome,
    userId: row.user_id,
    userName: row.user_name,
    roleId: row.role_id,
    roleCode: row.role_code,
    orgCode: row.org_code,
    sessionId: row.session_id,
    workstationId: row.workstation_id,
    nhsNumber: row.nhs_number,
    nhsNumberIndex: row.nhs_number_index,
    previousNhsNumber: row.previous_nhs_number,
    previousNhsNumberIndex: row.previous_nhs_number_index,
    source: row.source,
    encounterId: row.encounter_id,
    correlationId: row.correlation_id,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    details: row.details,
  };
}

/** A record as a row. */
export function rowOfRecord(r: StoredRecord): Selectable<AuditRecordsTable> {
  return {
    seq: r.seq,
    id: r.id,
    v: r.v,
    recorded_at: r.time,
    event_type: r.type,
    outcome: r.outcome,
    user_id: r.userId,
    user_name: r.userName,
    role_id: r.roleId,
    role_code: r.roleCode,
    org_code: r.orgCode,
    session_id: r.sessionId,
    workstation_id: r.workstationId,
    nhs_number: r.nhsNumber,
    nhs_number_index: r.nhsNumberIndex,
    previous_nhs_number: r.previousNhsNumber,
    previous_nhs_number_index: r.previousNhsNumberIndex,
    source: r.source,
    encounter_id: r.encounterId,
    correlation_id: r.correlationId,
    duration_ms: r.durationMs,
    details: r.details,
    hash: b64(r.hash),
  };
}

function headOfRow(row: Selectable<AuditChainHeadTable>): ChainHead {
  return {
    size: Number(row.size),
    lastHash: row.last_hash === null ? null : bytes(row.last_hash),
    lastTime: Number(row.last_time),
    peaks: row.peaks === "" ? [] : row.peaks.split(",").map(bytes),
  };
}

export class SqlAuditRecordStore implements AuditRecordStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async append(
    seal: (
      head: ChainHead,
      stored: ReadonlyMap<string, StoredRef>,
      applied: (index: number) => boolean,
    ) => SealedBatch,
    options: AppendOptions = {},
  ): Promise<SealedBatch> {
    return this.#db.transaction().execute(async (trx) => {
      const head = await lockHead(trx);
      // Under the hold on the head, so the writes and the records they come with commit together.
      const refused = new Set<number>();
      for (const [index, write] of (options.alongside ?? []).entries())
        if (write && !(await write.apply(trx))) refused.add(index);
      const sealed = seal(head, await storedAmong(trx, options.ids ?? []), (i) => !refused.has(i));
      await insertRecords(trx, sealed);
      await trx
        .updateTable("audit_chain_head")
        .set({
          size: sealed.head.size,
          last_hash: sealed.head.lastHash === null ? null : b64(sealed.head.lastHash),
          last_time: sealed.head.lastTime,
          peaks: sealed.head.peaks.map(b64).join(","),
          updated_at: Date.now(),
        })
        .where("id", "=", 1)
        .execute();
      return sealed;
    });
  }

  async head(): Promise<ChainHead> {
    const row = await this.#db
      .selectFrom("audit_chain_head")
      .selectAll()
      .where("id", "=", 1)
      .executeTakeFirstOrThrow();
    return headOfRow(row);
  }

  async *pages(fromSeq: number, toSeq: number, pageSize: number): AsyncIterable<readonly StoredRecord[]> {
    for (let next = fromSeq; next <= toSeq; ) {
      const rows = await this.#db
        .selectFrom("audit_records")
        .selectAll()
        .where("seq", ">=", next)
        .where("seq", "<=", toSeq)
        .orderBy("seq")
        .limit(pageSize)
        .execute();
      if (rows.length === 0) return;
      yield rows.map(recordOfRow);
      next = Number((rows.at(-1) as Selectable<AuditRecordsTable>).seq) + 1;
    }
  }

  async hashes(fromSeq: number, toSeq: number): Promise<readonly { seq: number; hash: Uint8Array }[]> {
    const rows = await this.#db
      .selectFrom("audit_records")
      .select(["seq", "hash"])
      .where("seq", ">=", fromSeq)
      .where("seq", "<=", toSeq)
      .orderBy("seq")
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), hash: bytes(r.hash) }));
  }

  async hashesAt(seqs: readonly number[]): Promise<ReadonlyMap<number, Uint8Array>> {
    if (seqs.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom("audit_records")
      .select(["seq", "hash"])
      .where("seq", "in", [...seqs])
      .execute();
    return new Map(rows.map((r) => [Number(r.seq), bytes(r.hash)]));
  }

  async readNode(level: number, index: number): Promise<Uint8Array | undefined> {
    const row = await this.#db
      .selectFrom("audit_merkle_nodes")
      .select("hash")
      .where("level", "=", level)
      .where("idx", "=", index)
      .executeTakeFirst();
    return row ? bytes(row.hash) : undefined;
  }

  async find(seq: number): Promise<StoredRecord | undefined> {
    const row = await this.#db
      .selectFrom("audit_records")
      .selectAll()
      .where("seq", "=", seq)
      .executeTakeFirst();
    return row ? recordOfRow(row) : undefined;
  }

  async search(query: RecordQuery): Promise<readonly StoredRecord[]> {
    const rows = await this.#filtered(query).selectAll().orderBy("seq", "desc").limit(query.limit).execute();
    return rows.map(recordOfRow);
  }

  async accessSummary(query: RecordQuery): Promise<readonly AccessSummaryRow[]> {
    const rows = await this.#filtered(query)
      .select((eb) => [
        "user_id",
        "org_code",
        eb.fn.max("user_name").as("user_name"),
        eb.fn.countAll().as("records"),
        eb.fn.min("recorded_at").as("first"),
        eb.fn.max("recorded_at").as("last"),
      ])
      .groupBy(["user_id", "org_code"])
      .orderBy("records", "desc")
      .limit(query.limit)
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      userName: r.user_name,
      orgCode: r.org_code,
      records: Number(r.records),
      first: Number(r.first),
      last: Number(r.last),
    }));
  }

  #filtered(query: RecordQuery) {
    let q = this.#db.selectFrom("audit_records");
    const indexes = query.nhsNumberIndexes;
    if (indexes !== undefined) {
      const list = indexes.length > 0 ? [...indexes] : [""];
      q = q.where((eb) =>
        eb.or([eb("nhs_number_index", "in", list), eb("previous_nhs_number_index", "in", list)]),
      );
    }
    if (query.userId !== undefined) q = q.where("user_id", "=", query.userId);
    // The query holds no wildcards (see audit-query.ts), so it is matched as text within the name.
    if (query.userName !== undefined)
      q = q.where((eb) => eb(eb.fn("lower", [eb.ref("user_name")]), "like", `%${query.userName}%`));
    if (query.orgCode !== undefined) q = q.where("org_code", "=", query.orgCode);
    if (query.outcome !== undefined) q = q.where("outcome", "=", query.outcome);
    if (query.type !== undefined) q = q.where("event_type", "=", query.type);
    if (query.correlationId !== undefined) q = q.where("correlation_id", "=", query.correlationId);
    if (query.fromSeq !== undefined) q = q.where("seq", ">=", query.fromSeq);
    if (query.toSeq !== undefined) q = q.where("seq", "<=", query.toSeq);
    return q;
  }

  async seqRangeOf(from: number, to: number): Promise<{ fromSeq: number; toSeq: number }> {
    const [first, last] = await Promise.all([
      this.#db
        .selectFrom("audit_records")
        .select("seq")
        .where("recorded_at", ">=", from)
        .orderBy("recorded_at")
        .orderBy("seq")
        .limit(1)
        .executeTakeFirst(),
      this.#db
        .selectFrom("audit_records")
        .select("seq")
        .where("recorded_at", "<=", to)
        .orderBy("recorded_at", "desc")
        .orderBy("seq", "desc")
        .limit(1)
        .executeTakeFirst(),
    ]);
    // An empty range is any fromSeq above toSeq.
    return first && last ? { fromSeq: Number(first.seq), toSeq: Number(last.seq) } : { fromSeq: 1, toSeq: 0 };
  }

  async firstSeq(): Promise<number | null> {
    const row = await this.#db
      .selectFrom("audit_records")
      .select("seq")
      .orderBy("seq")
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.seq) : null;
  }
}

async function storedAmong(
  trx: Transaction<DatabaseSchema>,
  ids: readonly string[],
): Promise<ReadonlyMap<string, StoredRef>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom("audit_records")
    .select(["id", "seq", "recorded_at"])
    .where("id", "in", [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, { seq: Number(r.seq), time: Number(r.recorded_at) }]));
}

/** Updating the head row first takes its lock; then it is read as this transaction sees it. */
async function lockHead(trx: Transaction<DatabaseSchema>): Promise<ChainHead> {
  await trx
    .updateTable("audit_chain_head")
    .set({ updated_at: sql<number>`updated_at` })
    .where("id", "=", 1)
    .execute();
  const row = await trx
    .selectFrom("audit_chain_head")
    .selectAll()
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  return headOfRow(row);
}

async function insertRecords(trx: Transaction<DatabaseSchema>, sealed: SealedBatch): Promise<void> {
  for (let i = 0; i < sealed.records.length; i += INSERT_CHUNK) {
    await trx
      .insertInto("audit_records")
      .values(sealed.records.slice(i, i + INSERT_CHUNK).map(rowOfRecord))
      .execute();
  }
  if (sealed.nodes.length > 0) {
    await trx
      .insertInto("audit_merkle_nodes")
      .values(sealed.nodes.map((n) => ({ level: n.level, idx: n.index, hash: b64(n.hash) })))
      .execute();
  }
}
