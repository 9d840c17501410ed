/**
 * The audit trail: append-only records, the chain head, stored Merkle nodes, signed checkpoints,
 * and the record of pruning. Triggers make the database itself refuse UPDATE and DELETE on what
 * must never change; the only delete it allows is of records covered by a prune permit, which the
 * retention job inserts (after writing the archive) and withdraws in the same transaction.
 */
import { type Kysely, SqliteAdapter, sql } from "kysely";

const APPEND_ONLY = ["audit_records", "audit_merkle_nodes", "audit_checkpoints", "audit_prunes"];

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  // On SQLite an INTEGER PRIMARY KEY is the rowid itself: the table is stored in sequence order.
  const int8 = sqlite ? "integer" : "bigint";
  await db.schema
    .createTable("audit_records")
    .addColumn("seq", int8, (c) => c.primaryKey())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("v", "integer", (c) => c.notNull())
    .addColumn("recorded_at", "bigint", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("user_id", "text")
    .addColumn("user_name", "text")
    .addColumn("role_id", "text")
    .addColumn("role_code", "text")
    .addColumn("org_code", "text")
    .addColumn("session_id", "text")
    .addColumn("workstation_id", "text")
    .addColumn("nhs_number", "text")
    .addColumn("nhs_number_index", "text")
    .addColumn("previous_nhs_number", "text")
    .addColumn("previous_nhs_number_index", "text")
    .addColumn("source", "text")
    .addColumn("encounter_id", "text")
    .addColumn("correlation_id", "text", (c) => c.notNull())
    .addColumn("duration_ms", "bigint")
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  // Every search is "newest first among those matching one column", so each index ends in seq.
  for (const column of [
    "nhs_number_index",
    "previous_nhs_number_index",
    "user_id",
    "org_code",
    "outcome",
    "correlation_id",
    "event_type",
  ]) {
    await db.schema
      .createIndex(`audit_records_${column}`)
      .on("audit_records")
      .columns([column, "seq"])
      .execute();
  }
  await db.schema
    .createIndex("audit_records_recorded_at")
    .on("audit_records")
    .column("recorded_at")
    .execute();

  await db.schema
    .createTable("audit_chain_head")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("last_hash", "text")
    .addColumn("last_time", "bigint", (c) => c.notNull())
    .addColumn("peaks", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db
    .insertInto("audit_chain_head")
    .values({ id: 1, size: 0, last_hash: null, last_time: 0, peaks: "", updated_at: 0 })
    .execute();

  await db.schema
    .createTable("audit_merkle_nodes")
    .addColumn("level", "integer", (c) => c.notNull())
    .addColumn("idx", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("audit_merkle_nodes_pk", ["level", "idx"])
    .execute();

  await db.schema
    .createTable("audit_checkpoints")
    .addColumn("tree_size", int8, (c) => c.primaryKey())
    .addColumn("root_hash", "text", (c) => c.notNull())
    .addColumn("issued_at", "text", (c) => c.notNull())
    .addColumn("origin", "text", (c) => c.notNull())
    .addColumn("kid", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("audit_prunes")
    .addColumn("up_to_seq", int8, (c) => c.primaryKey())
    .addColumn("last_hash", "text", (c) => c.notNull())
    .addColumn("peaks", "text", (c) => c.notNull())
    .addColumn("archive_name", "text", (c) => c.notNull())
    .addColumn("archive_sha256", "text", (c) => c.notNull())
    .addColumn("pruned_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("audit_prune_permits")
    .addColumn("up_to_seq", int8, (c) => c.primaryKey())
    .execute();

  if (sqlite) await sqliteGuards(db);
  else await postgresGuards(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
async function sqliteGuards(db: Kysely<any>): Promise<void> {
  for (const table of APPEND_ONLY) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
      )
      .execute(db);
    const unless =
      table === "audit_records"
        ? "WHEN NOT EXISTS (SELECT 1 FROM audit_prune_permits p WHERE OLD.seq <= p.up_to_seq)"
        : "";
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} ${unless} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
      )
      .execute(db);
  }
  await sql
    .raw(
      "CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head BEGIN SELECT RAISE(ABORT, 'the chain head stays'); END",
    )
    .execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
async function postgresGuards(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
END $$`)
    .execute(db);
  await sql
    .raw(`CREATE FUNCTION audit_records_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM audit_prune_permits p WHERE OLD.seq <= p.up_to_seq) THEN
    RAISE EXCEPTION 'audit_records is append-only (DELETE refused)' USING ERRCODE = 'P0001';
  END IF;
  RETURN OLD;
END $$`)
    .execute(db);
  for (const table of APPEND_ONLY) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      )
      .execute(db);
    const guard = table === "audit_records" ? "audit_records_guard_delete" : "audit_refuse_change";
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${guard}()`,
      )
      .execute(db);
  }
  await sql
    .raw(
      "CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    )
    .execute(db);
  await sql
    .raw(
      "CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    )
    .execute(db);
}
