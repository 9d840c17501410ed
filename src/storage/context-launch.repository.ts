/**
 * Signed context launches' storage: used `jti`s (a unique key decides replay in one statement) and
 * checked launches waiting for their user to sign in (SMART launches wait the same way, in their
 * own table). Each insert first clears what has expired,
 * so neither table outgrows a few minutes of launches.
 */
import type { Kysely } from "kysely";
import type { LaunchJtiStore, PendingLaunchStore } from "../api-access/context-launch.ports.ts";
import type { DatabaseSchema } from "./schema.ts";

export class SqlLaunchJtiStore implements LaunchJtiStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async remember(clientId: string, jti: string, receivedAt: Date, expiresAt: Date): Promise<boolean> {
    await this.#db
      .deleteFrom("context_launch_jtis")
      .where("expires_at", "<=", receivedAt.getTime())
      .execute();
    const result = await this.#db
      .insertInto("context_launch_jtis")
      .values({
        client_id: clientId,
        jti,
        received_at: receivedAt.getTime(),
        expires_at: expiresAt.getTime(),
      })
      .onConflict((oc) => oc.columns(["client_id", "jti"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}

/** The tables of launches waiting, sealed: signed context launches' and SMART launches'. */
export type PendingLaunchTable = "context_launch_pending" | "smart_launch_pending";

export class SqlPendingLaunchStore implements PendingLaunchStore {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #table: PendingLaunchTable;

  constructor(db: Kysely<DatabaseSchema>, table: PendingLaunchTable = "context_launch_pending") {
    this.#db = db;
    this.#table = table;
  }

  async save(idHash: string, sealed: string, createdAt: Date, expiresAt: Date): Promise<void> {
    await this.#db.deleteFrom(this.#table).where("expires_at", "<=", createdAt.getTime()).execute();
    await this.#db
      .insertInto(this.#table)
      .values({ id_hash: idHash, sealed, created_at: createdAt.getTime(), expires_at: expiresAt.getTime() })
      .execute();
  }

  async find(idHash: string, now: Date): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom(this.#table)
      .select("sealed")
      .where("id_hash", "=", idHash)
      .where("expires_at", ">", now.getTime())
      .executeTakeFirst();
    return row?.sealed;
  }

  async claim(idHash: string): Promise<boolean> {
    const result = await this.#db.deleteFrom(this.#table).where("id_hash", "=", idHash).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
