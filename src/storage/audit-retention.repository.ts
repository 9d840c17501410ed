/**
 * Pruning, the one way audit records leave the database: the cut is recorded, a permit the delete
 * trigger checks is inserted, the records go, and the permit is withdrawn, all in one transaction.
 * Any other DELETE on audit_records is refused by the database.
 */
import type { Kysely } from "kysely";
import type { PruneCut, RetentionStore } from "../audit/audit.ports.ts";
import type { DatabaseSchema } from "./schema.ts";

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

export class SqlRetentionStore implements RetentionStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async lastCut(): Promise<PruneCut | undefined> {
    const row = await this.#db
      .selectFrom("audit_prunes")
      .selectAll()
      .orderBy("up_to_seq", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      upToSeq: Number(row.up_to_seq),
      lastHash: bytes(row.last_hash),
      peaks: row.peaks === "" ? [] : row.peaks.split(",").map(bytes),
      archiveName: row.archive_name,
      archiveSha256: row.archive_sha256,
      prunedAt: Number(row.pruned_at),
    };
  }

  async prune(cut: PruneCut): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto("audit_prunes")
        .values({
          up_to_seq: cut.upToSeq,
          last_hash: b64(cut.lastHash),
          peaks: cut.peaks.map(b64).join(","),
          archive_name: cut.archiveName,
          archive_sha256: cut.archiveSha256,
          pruned_at: cut.prunedAt,
        })
        .execute();
      await trx.insertInto("audit_prune_permits").values({ up_to_seq: cut.upToSeq }).execute();
      const deleted = await trx
        .deleteFrom("audit_records")
        .where("seq", "<=", cut.upToSeq)
        .executeTakeFirst();
      await trx.deleteFrom("audit_prune_permits").where("up_to_seq", "=", cut.upToSeq).execute();
      return Number(deleted.numDeletedRows);
    });
  }
}
