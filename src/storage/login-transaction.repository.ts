/** Started sign-ins, keyed by `state`; taken (deleted and returned) in one statement. */
import type { Kysely } from "kysely";
import type { LoginTransaction, LoginTransactionRepository } from "../identity/identity.ports.ts";
import type { DatabaseSchema } from "./schema.ts";

export class SqlLoginTransactionRepository implements LoginTransactionRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async save(t: LoginTransaction): Promise<void> {
    await this.#db
      .insertInto("login_transactions")
      .values({
        state: t.state,
        nonce: t.nonce,
        code_verifier: t.codeVerifier,
        browser_hash: t.browserHash,
        purpose: t.purpose,
        return_to: t.returnTo,
        created_at: t.createdAt.getTime(),
        expires_at: t.expiresAt.getTime(),
      })
      .execute();
  }

  async take(state: string): Promise<LoginTransaction | undefined> {
    const row = await this.#db
      .deleteFrom("login_transactions")
      .where("state", "=", state)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      state: row.state,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      browserHash: row.browser_hash,
      purpose: row.purpose as LoginTransaction["purpose"],
      returnTo: row.return_to,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.#db
      .deleteFrom("login_transactions")
      .where("expires_at", "<", now.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
