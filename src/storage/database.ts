/**
 * Opens the database named by DATABASE_URL: embedded SQLite (default) or PostgreSQL. Both speak
 * through Kysely, share one migration set, and store times as epoch milliseconds, JSON as text and
 * flags as 0/1 integers so that every query means the same on both.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { NodeSqliteDatabase } from "./node-sqlite-driver.ts";
import type { DatabaseSchema } from "./schema.ts";

export type Dialect = "sqlite" | "postgres";

export interface Database {
  readonly db: Kysely<DatabaseSchema>;
  readonly dialect: Dialect;
  /** A short description without credentials, for logs and the operations page. */
  readonly description: string;
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface OpenOptions {
  readonly poolMax?: number;
  /** Called when an idle PostgreSQL connection fails (e.g. the server restarted); the pool replaces it. */
  readonly onConnectionError?: (error: Error) => void;
}

export function openDatabase(url: string, options: OpenOptions = {}): Database {
  if (url.startsWith("sqlite:")) return openSqlite(url.slice("sqlite:".length));
  return openPostgres(url, options.poolMax ?? 10, options.onConnectionError ?? (() => {}));
}

function openSqlite(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Kysely<DatabaseSchema>({
    dialect: new SqliteDialect({ database: new NodeSqliteDatabase(path) }),
  });
  return { db, dialect: "sqlite", description: `sqlite:${path}`, close: () => db.destroy() };
}

function openPostgres(url: string, max: number, onConnectionError: (error: Error) => void): Database {
  // Epoch-millisecond columns are bigint: parse them as numbers (safe far beyond year 275000).
  const types = {
    getTypeParser: (oid: number, format?: "text" | "binary") =>
      oid === INT8_OID || oid === NUMERIC_OID
        ? (v: string) => Number(v)
        : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({ connectionString: url, max, types: types as pg.CustomTypesConfig });
  // Without a listener an idle connection's failure would crash the process.
  pool.on("error", onConnectionError);
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    db,
    dialect: "postgres",
    description: `postgres://${parsed.host}${parsed.pathname}`,
    close: () => db.destroy(),
  };
}
