import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type Generated, Kysely, SqliteDialect } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeSqliteDatabase } from "./node-sqlite-driver.ts";

interface Schema {
  items: { id: Generated<number>; name: string };
}

let dir: string;
let ours: NodeSqliteDatabase;
/** Another connection to the same file: what another process (or instance) would see. */
let other: DatabaseSync;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ncrs-driver-"));
  ours = new NodeSqliteDatabase(join(dir, "test.db"));
  ours.prepare("create table items (id integer primary key, name text not null)").run([]);
  other = new DatabaseSync(join(dir, "test.db"));
});

afterEach(() => {
  other.close();
  ours.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (db: DatabaseSync) => (db.prepare("select count(*) as n from items").get() as { n: number }).n;
const read = () => ours.prepare("select * from items").all([]);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("the node:sqlite driver", () => {
  it("commits a write before its caller goes on, even straight after reads in the same turn", () => {
    read();
    ours.prepare("insert into items (name) values (?)").run(["a"]);
    expect(count(other)).toBe(1);
    read();
    ours.prepare("update items set name = ? where id = ?").run(["b", 1]);
    expect(other.prepare("select name from items").get()).toEqual({ name: "b" });
  });

  it("commits a write that returns rows at once too", () => {
    read();
    expect(ours.prepare("insert into items (name) values (?) returning id").all(["a"])).toEqual([{ id: 1 }]);
    expect(count(other)).toBe(1);
  });

  it("lets one turn's reads share a snapshot, and shows others' writes from the next turn", async () => {
    expect(read()).toEqual([]);
    other.prepare("insert into items (name) values ('from elsewhere')").run();
    expect(read()).toEqual([]);
    await nextTurn();
    expect(read()).toHaveLength(1);
  });

  it("takes a fresh snapshot every so many reads of one long turn", () => {
    expect(read()).toEqual([]);
    other.prepare("insert into items (name) values ('from elsewhere')").run();
    const seen = Array.from({ length: 150 }, () => read().length);
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
  });

  it("ends the shared read before preparing a statement that may not run inside one", () => {
    read();
    ours.prepare("PRAGMA synchronous = NORMAL").run([]);
    read();
    ours.prepare("PRAGMA synchronous = FULL").run([]);
    expect(other.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
  });

  it("sees its own writes in the same turn", () => {
    read();
    ours.prepare("insert into items (name) values (?)").run(["a"]);
    expect(read()).toHaveLength(1);
  });

  it("leaves Kysely's transactions as they are: committed, or rolled back whole", async () => {
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: ours }) });
    await db.selectFrom("items").selectAll().execute();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("items").values({ name: "kept" }).execute();
      expect(await trx.selectFrom("items").selectAll().execute()).toHaveLength(1);
    });
    expect(count(other)).toBe(1);
    await db.selectFrom("items").selectAll().execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("items").values({ name: "undone" }).execute();
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await nextTurn();
    expect(await db.selectFrom("items").select("name").execute()).toEqual([{ name: "kept" }]);
    expect(count(other)).toBe(1);
  });
});
