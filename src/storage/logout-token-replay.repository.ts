/** Seen logout-token `jti`s: a unique key decides replay in one statement. */
import type { Kysely } from "kysely";
import type { LogoutTokenReplayGuard } from "../identity/identity.ports.ts";
import type { DatabaseSchema } from "./schema.ts";

export class SqlLogoutTokenReplayGuard implements LogoutTokenReplayGuard {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async remember(jti: string, receivedAt: Date, expiresAt: Date): Promise<boolean> {
    const result = await this.#db
      .insertInto("logout_token_jtis")
      .values({ jti, received_at: receivedAt.getTime(), expires_at: expiresAt.getTime() })
      .onConflict((oc) => oc.column("jti").doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
