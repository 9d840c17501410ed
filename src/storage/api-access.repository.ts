/** Authorization codes and bearer tokens of API clients, by digest (both dialects). */
import type { Kysely } from "kysely";
import type { ApiAccessRepository, TokenHolder } from "../api-access/api-access.ports.ts";
import type { AccessToken, ApiScope, AuthorizationGrant } from "../api-access/api-access.types.ts";
import type { DatabaseSchema } from "./schema.ts";
import { SESSION_COLUMNS, toSession } from "./session.repository.ts";

export class SqlApiAccessRepository implements ApiAccessRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insertGrant(g: AuthorizationGrant): Promise<void> {
    await this.#db
      .insertInto("api_grants")
      .values({
        code_hash: g.codeHash,
        client_id: g.clientId,
        session_id: g.sessionId,
        redirect_uri: g.redirectUri,
        code_challenge: g.codeChallenge,
        scope: g.scopes.join(" "),
        created_at: g.createdAt.getTime(),
        expires_at: g.expiresAt.getTime(),
        used_at: null,
      })
      .execute();
  }

  async redeemGrant(codeHash: string, at: Date): Promise<AuthorizationGrant | undefined> {
    // One statement claims the code, so two requests racing with it cannot both succeed.
    const row = await this.#db
      .updateTable("api_grants")
      .set({ used_at: at.getTime() })
      .where("code_hash", "=", codeHash)
      .where("used_at", "is", null)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      codeHash: row.code_hash,
      clientId: row.client_id,
      sessionId: row.session_id,
      redirectUri: row.redirect_uri,
      codeChallenge: row.code_challenge,
      scopes: scopesOf(row.scope),
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  async grantExists(codeHash: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom("api_grants")
      .select("code_hash")
      .where("code_hash", "=", codeHash)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insertToken(t: AccessToken): Promise<void> {
    await this.#db
      .insertInto("api_tokens")
      .values({
        token_hash: t.tokenHash,
        client_id: t.clientId,
        session_id: t.sessionId,
        code_hash: t.codeHash,
        scope: t.scopes.join(" "),
        expires_at: t.expiresAt.getTime(),
      })
      .execute();
  }

  async revokeTokensOfGrant(codeHash: string): Promise<number> {
    const result = await this.#db
      .deleteFrom("api_tokens")
      .where("code_hash", "=", codeHash)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async findTokenSession(tokenHash: string, now: Date): Promise<TokenHolder | undefined> {
    const row = await this.#db
      .selectFrom("api_tokens")
      .innerJoin("sessions", "sessions.id", "api_tokens.session_id")
      .select(SESSION_COLUMNS.map((c) => `sessions.${c}` as const))
      .select(["api_tokens.client_id", "api_tokens.scope"])
      .where("api_tokens.token_hash", "=", tokenHash)
      .where("api_tokens.expires_at", ">", now.getTime())
      .executeTakeFirst();
    if (!row) return undefined;
    const { client_id: clientId, scope, ...session } = row;
    return { clientId, session: toSession(session), scopes: scopesOf(scope) };
  }
}

/** Scopes as stored; codes and tokens from before scopes may only launch. */
function scopesOf(stored: string | null): ApiScope[] {
  if (stored === null) return ["launch"];
  return stored.split(" ").filter((s): s is ApiScope => s === "launch" || s === "patient-context");
}
