import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, openTestDatabase, type TestDatabase } from "../../test/support/databases.ts";
import { prepareQuery } from "./prepared-query.ts";

describe.each(dialects)("prepared queries on %s", (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
    await t.database.db
      .insertInto("logout_token_jtis")
      .values(
        ["a-1", "a-2", "b-1"].map((jti, i) => ({ jti, received_at: 1000 + i, expires_at: i < 2 ? 1 : 2 })),
      )
      .execute();
  });
  afterAll(async () => t.drop());

  it("run with each call's values, keeping the values that are part of the query", async () => {
    const firstSince = prepareQuery(t.database.db, ["expires", "since"], (db, v) =>
      db
        .selectFrom("logout_token_jtis")
        .select("jti")
        .where("expires_at", "=", v.expires as unknown as number)
        .where("received_at", ">=", v.since as unknown as number)
        .orderBy("received_at")
        .limit(1),
    );
    expect(await firstSince({ expires: 1, since: 0 })).toEqual([{ jti: "a-1" }]);
    expect(await firstSince({ expires: 1, since: 1001 })).toEqual([{ jti: "a-2" }]);
    expect(await firstSince({ expires: 2, since: 0 })).toEqual([{ jti: "b-1" }]);
    expect(await firstSince({ expires: 3, since: 0 })).toEqual([]);
  });

  it("use a value wherever the query names it", async () => {
    const either = prepareQuery(t.database.db, ["n"], (db, v) =>
      db
        .selectFrom("logout_token_jtis")
        .select("jti")
        .where((eb) => eb.or([eb("jti", "=", v.n), eb("jti", "like", v.n)]))
        .orderBy("received_at"),
    );
    expect(await either({ n: "b-1" })).toEqual([{ jti: "b-1" }]);
    expect(await either({ n: "a-%" })).toEqual([{ jti: "a-1" }, { jti: "a-2" }]);
  });

  it("refuse, when prepared, a query that does not use a value it names", () => {
    expect(() =>
      prepareQuery(t.database.db, ["id", "unused"], (db, v) =>
        db.selectFrom("patients").selectAll().where("id", "=", v.id),
      ),
    ).toThrow(/does not use unused/);
  });

  it("refuse a value used inside another, where it would run as text", () => {
    expect(() =>
      prepareQuery(t.database.db, ["n"], (db, v) =>
        db
          .selectFrom("logout_token_jtis")
          .select("jti")
          .where((eb) => eb.or([eb("jti", "=", v.n), eb("jti", "like", `${v.n}%`)])),
      ),
    ).toThrow(/other than whole/);
  });
});
