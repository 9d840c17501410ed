/**
 * Lets Kysely's SqliteDialect run on Node's built-in `node:sqlite` (no native addon to build).
 * Prepared statements are cached by SQL text: the same few queries run on every request.
 *
 * Plain SELECTs run in one turn of the event loop share one read transaction (ADR 13): starting
 * and ending a transaction (file locks, the WAL index) cost several times what a lookup by key
 * does, and a page makes several. Any other statement ends the shared read before it runs, so a
 * write is never held back: it commits on its own, durably, before its caller hears of it. Kysely's
 * own transactions are left alone.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

type SqlValue = null | number | bigint | string | Uint8Array;

const STATEMENT_CACHE_LIMIT = 500;
/**
 * A turn that reads in a loop (awaiting each synchronous query never leaves the turn) takes a fresh
 * snapshot every so many reads, so no snapshot holds back the WAL's checkpoint for long.
 */
const SHARED_READ_STATEMENTS = 100;

/** Only a plain SELECT may share a read transaction: anything else must commit on its own, now. */
const PLAIN_SELECT = /^\s*select\s/i;

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: StatementSync;
  readonly #plainSelect: boolean;
  readonly #before: (plainSelect: boolean) => void;

  constructor(statement: StatementSync, plainSelect: boolean, before: (plainSelect: boolean) => void) {
    this.#statement = statement;
    this.reader = statement.columns().length > 0;
    this.#plainSelect = plainSelect;
    this.#before = before;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    this.#before(this.#plainSelect);
    return this.#statement.all(...(parameters as SqlValue[]));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    this.#before(this.#plainSelect);
    return this.#statement.run(...(parameters as SqlValue[]));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    this.#before(this.#plainSelect);
    return this.#statement.iterate(...(parameters as SqlValue[]));
  }
}

export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, NodeSqliteStatement>();
  readonly #begin: StatementSync;
  readonly #commit: StatementSync;
  readonly #rollback: StatementSync;
  #sharedRead = false;
  #sharedReadStatements = 0;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    // WAL lets readers run beside the writer; synchronous=FULL makes every commit durable on disk,
    // which the audit trail relies on (throughput comes from batching commits, not from weaker sync).
    this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec("PRAGMA synchronous = FULL");
    this.#db.exec("PRAGMA foreign_keys = ON");
    this.#db.exec("PRAGMA busy_timeout = 5000");
    this.#begin = this.#db.prepare("BEGIN");
    this.#commit = this.#db.prepare("COMMIT");
    this.#rollback = this.#db.prepare("ROLLBACK");
  }

  readonly #beforeStatement = (plainSelect: boolean): void => {
    if (!plainSelect) {
      this.#endSharedRead();
      return;
    }
    if (this.#sharedRead && ++this.#sharedReadStatements > SHARED_READ_STATEMENTS) this.#endSharedRead();
    if (this.#sharedRead || this.#db.isTransaction) return;
    this.#begin.run();
    this.#sharedRead = true;
    this.#sharedReadStatements = 1;
    setImmediate(this.#endSharedRead);
  };

  /**
   * Ends the shared read. SQLite may already have ended it (a failed statement can roll a
   * transaction back); and if the commit fails it is rolled back, so that no later statement ever
   * runs inside a transaction nobody will commit.
   */
  readonly #endSharedRead = (): void => {
    if (!this.#sharedRead) return;
    this.#sharedRead = false;
    if (!this.#db.isTransaction) return;
    try {
      this.#commit.run();
    } catch {
      // Nothing was written in it: rolling back loses nothing. Should that fail too, it throws.
      if (this.#db.isTransaction) this.#rollback.run();
    }
  };

  prepare(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      const plainSelect = PLAIN_SELECT.test(sql);
      // Some statements act as they are prepared (a PRAGMA that may not run inside a transaction).
      if (!plainSelect) this.#endSharedRead();
      if (this.#statements.size >= STATEMENT_CACHE_LIMIT) this.#statements.clear();
      statement = new NodeSqliteStatement(this.#db.prepare(sql), plainSelect, this.#beforeStatement);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.#endSharedRead();
    this.#statements.clear();
    this.#db.close();
  }
}
