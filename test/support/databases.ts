/**
 * Fresh databases for tests, on both dialects: a temporary SQLite file, and a new database in the
 * run's PostgreSQL server (started by the global setup). Suites use `dialects` with describe.each.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { type Database, type Dialect, openDatabase } from "../../src/storage/database.ts";
import { migrateToLatest } from "../../src/storage/migrate.ts";

export const dialects: readonly Dialect[] = ["sqlite", "postgres"];

export interface TestDatabase {
  readonly url: string;
  readonly database: Database;
  drop(): Promise<void>;
}

/** A new, empty database URL of the given dialect, and a function that removes it. */
export async function freshDatabaseUrl(
  dialect: Dialect,
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "ncrs-test-"));
    return {
      url: `sqlite:${join(dir, "test.db")}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const serverUrl = inject("postgresUrl");
  const name = `t_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** An open, migrated database of the given dialect. */
export async function openTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const { url, drop } = await freshDatabaseUrl(dialect);
  const database = openDatabase(url, { poolMax: 5 });
  await migrateToLatest(database);
  return {
    url,
    database,
    drop: async () => {
      await database.close();
      await drop();
    },
  };
}
