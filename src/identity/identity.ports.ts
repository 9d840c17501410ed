/**
 * What the identity services need from the outside world. Adapters in `national/cis2` and
 * `storage/` implement these; services receive them in a `deps` object.
 */
import type { DeviceProfile, Session, SessionEndReason, Workstation } from "./identity.types.ts";

/**
 * Claims of a CIS2 token or UserInfo response, as received: every value is `unknown` until a check
 * or parser has looked at it (CIS2 sends some numbers as strings and omits optional arrays).
 */
export interface TokenClaims {
  readonly iss?: unknown;
  readonly sub?: unknown;
  readonly aud?: unknown;
  readonly azp?: unknown;
  readonly exp?: unknown;
  readonly iat?: unknown;
  readonly nonce?: unknown;
  readonly jti?: unknown;
  readonly sid?: unknown;
  readonly events?: unknown;
  readonly acr?: unknown;
  readonly amr?: unknown;
  readonly auth_time?: unknown;
  readonly id_assurance_level?: unknown;
  readonly idassurancelevel?: unknown;
  readonly authentication_assurance_level?: unknown;
  readonly selected_roleid?: unknown;
  readonly name?: unknown;
  readonly display_name?: unknown;
  readonly given_name?: unknown;
  readonly family_name?: unknown;
  readonly title?: unknown;
  readonly email?: unknown;
  readonly nhsid_user_orgs?: unknown;
  readonly nhsid_nrbac_roles?: unknown;
  readonly [claim: string]: unknown;
}

export interface AuthorizationRequest {
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
  readonly scopes: readonly string[];
  readonly acrValues: string;
  readonly maxAgeSeconds: number;
}

export interface CodeExchangeChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly maxAgeSeconds: number;
}

export interface CodeExchangeResult {
  readonly idToken: string;
  readonly claims: TokenClaims;
  readonly accessToken: string;
}

/** The CIS2 relying-party operations (OpenID Connect). */
export interface IdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /** Exchanges the code from the callback URL; validates the ID token's signature and standard claims. */
  exchangeCode(callbackUrl: URL, checks: CodeExchangeChecks): Promise<CodeExchangeResult>;
  userInfo(accessToken: string): Promise<TokenClaims>;
  /** Verifies a logout token's signature against the provider's keys; the claims are checked by the caller. */
  verifyLogoutTokenSignature(token: string): Promise<TokenClaims>;
  /**
   * Where to send the browser to end its CIS2 session too (RP-initiated logout), or null when CIS2
   * offers no end-session endpoint or cannot be reached.
   */
  endSessionUrl(request: {
    idTokenHint: string;
    postLogoutRedirectUri: string;
    state: string;
  }): Promise<URL | null>;
}

export interface LoginTransaction {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly browserHash: string;
  readonly purpose: "sign_in" | "change_role";
  readonly returnTo: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface LoginTransactionRepository {
  save(transaction: LoginTransaction): Promise<void>;
  /** Removes and returns the transaction in one statement: a state can be used once. */
  take(state: string): Promise<LoginTransaction | undefined>;
  deleteExpired(now: Date): Promise<number>;
}

export interface NewSession extends Omit<Session, "endedAt" | "endReason"> {
  readonly tokenHash: string;
  readonly idToken: string;
}

export interface SessionRepository {
  insert(session: NewSession): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<Session | undefined>;
  /** The CIS2 ID token a live session keeps (for ending the CIS2 session at log-out). */
  idTokenOf(sessionId: string): Promise<string | null>;
  /** The sessions with these ids that still exist (for watching open pages' sessions). */
  findByIds(ids: readonly string[]): Promise<Session[]>;
  touch(sessionId: string, at: Date): Promise<void>;
  /** Ends the session if still active; returns false when it had already ended. */
  end(sessionId: string, reason: SessionEndReason, at: Date): Promise<boolean>;
  /** Ends every active session matching; returns the ones ended. */
  endWhere(
    match: { cis2Sid: string } | { userId: string; exceptId?: string } | { workstationId: string },
    reason: SessionEndReason,
    at: Date,
  ): Promise<Session[]>;
  countActive(now: Date): Promise<number>;
}

export interface WorkstationRepository {
  insert(workstation: Workstation & { readonly deviceTokenHash: string }): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<Workstation | undefined>;
  list(): Promise<Workstation[]>;
  revoke(id: string, at: Date): Promise<boolean>;
  touch(id: string, at: Date): Promise<void>;
}

export interface LogoutTokenReplayGuard {
  /** Records a jti; false when it was seen before (decided by a unique key, in one statement). */
  remember(jti: string, receivedAt: Date, expiresAt: Date): Promise<boolean>;
}

export type { DeviceProfile };
