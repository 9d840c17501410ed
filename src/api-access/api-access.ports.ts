/** What the API-access domain needs from storage. */
import type { Session } from "../identity/identity.types.ts";
import type { AccessToken, ApiScope, AuthorizationGrant } from "./api-access.types.ts";

/** Who a live token acts for, for which system, and what it may do. */
export interface TokenHolder {
  readonly clientId: string;
  readonly session: Session;
  readonly scopes: readonly ApiScope[];
}

export interface ApiAccessRepository {
  insertGrant(grant: AuthorizationGrant): Promise<void>;
  /** Marks the code used and returns it, once; `undefined` if unknown or already used. */
  redeemGrant(codeHash: string, at: Date): Promise<AuthorizationGrant | undefined>;
  /** Whether a code was issued (used or not): a second redemption is a replay. */
  grantExists(codeHash: string): Promise<boolean>;
  insertToken(token: AccessToken): Promise<void>;
  revokeTokensOfGrant(codeHash: string): Promise<number>;
  /** The session a live token acts for, with the token's client. */
  findTokenSession(tokenHash: string, now: Date): Promise<TokenHolder | undefined>;
}
