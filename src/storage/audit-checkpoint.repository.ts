/** Signed checkpoints of the audit trail (both dialects); one per tree size, never changed. */
import type { Kysely, Selectable } from "kysely";
import type { CheckpointStore } from "../audit/audit.ports.ts";
import type { SignedCheckpoint } from "../audit/checkpoint-signature.ts";
import type { AuditCheckpointsTable, DatabaseSchema } from "./schema.ts";

function checkpointOf(row: Selectable<AuditCheckpointsTable>): SignedCheckpoint {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    issuedAt: row.issued_at,
    origin: row.origin,
    kid: row.kid,
    signature: row.signature,
  };
}

export class SqlCheckpointStore implements CheckpointStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async save(c: SignedCheckpoint): Promise<boolean> {
    const result = await this.#db
      .insertInto("audit_checkpoints")
      .values({
        tree_size: c.treeSize,
        root_hash: c.rootHash,
        issued_at: c.issuedAt,
        origin: c.origin,
        kid: c.kid,
        signature: c.signature,
      })
      .onConflict((oc) => oc.column("tree_size").doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async latest(): Promise<SignedCheckpoint | undefined> {
    const row = await this.#db
      .selectFrom("audit_checkpoints")
      .selectAll()
      .orderBy("tree_size", "desc")
      .limit(1)
      .executeTakeFirst();
    return row ? checkpointOf(row) : undefined;
  }

  async atSize(treeSize: number): Promise<SignedCheckpoint | undefined> {
    const row = await this.#db
      .selectFrom("audit_checkpoints")
      .selectAll()
      .where("tree_size", "=", treeSize)
      .executeTakeFirst();
    return row ? checkpointOf(row) : undefined;
  }

  async all(): Promise<readonly SignedCheckpoint[]> {
    const rows = await this.#db.selectFrom("audit_checkpoints").selectAll().orderBy("tree_size").execute();
    return rows.map(checkpointOf);
  }
}
