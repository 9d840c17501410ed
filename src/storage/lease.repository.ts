/**
 * Named leases in the `leases` table (migration 0015), both dialects: taking or renewing is one
 * `INSERT … ON CONFLICT (name) DO UPDATE … WHERE <ours or expired> RETURNING holder`, so the
 * database decides a race; a row comes back only when the update (or insert) happened.
 */
import type { Kysely } from "kysely";
import type { Lease } from "../platform/lease.ts";
import type { DatabaseSchema } from "./schema.ts";

export class SqlLease implements Lease {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async acquire(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const at = now.getTime();
    const rows = await this.#db
      .insertInto("leases")
      .values({ name, holder, acquired_at: at, expires_at: at + ttlMs })
      .onConflict((oc) =>
        oc
          .column("name")
          .doUpdateSet((eb) => ({
            holder: eb.ref("excluded.holder"),
            expires_at: eb.ref("excluded.expires_at"),
            acquired_at: eb
              .case()
              .when("leases.holder", "=", holder)
              .then(eb.ref("leases.acquired_at"))
              .else(eb.ref("excluded.acquired_at"))
              .end(),
          }))
          .where((eb) => eb.or([eb("leases.holder", "=", holder), eb("leases.expires_at", "<=", at)])),
      )
      .returning("holder")
      .execute();
    return rows.length === 1 && rows[0]?.holder === holder;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.#db.deleteFrom("leases").where("name", "=", name).where("holder", "=", holder).execute();
  }

  async holder(name: string, now: Date): Promise<string | null> {
    const row = await this.#db
      .selectFrom("leases")
      .select("holder")
      .where("name", "=", name)
      .where("expires_at", ">", now.getTime())
      .executeTakeFirst();
    return row?.holder ?? null;
  }
}
