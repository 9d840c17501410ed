/** Point-of-care systems registered to act for signed-in users, and what they are given. */

export interface ApiClient {
  readonly id: string;
  /** SHA-256 of the client secret, hex: the secret itself is never configured or stored. */
  readonly secretSha256: string;
  /** Where the user's browser is sent back with a code; matched exactly. */
  readonly redirectUris: readonly string[];
  /** What its tokens may be granted. */
  readonly scopes: readonly ApiScope[];
  /** Its public keys for signed context launches: a JWKS URL, or the set itself. */
  readonly jwksUri?: string | undefined;
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] } | undefined;
}

/** What a bearer token may do: open NCRS (`launch`), hand a patient over (`patient-context`). */
export type ApiScope = "launch" | "patient-context";

/** A single-use authorization code, stored by digest. */
export interface AuthorizationGrant {
  readonly codeHash: string;
  readonly clientId: string;
  readonly sessionId: string;
  readonly redirectUri: string;
  /** PKCE S256 challenge the token request must answer. */
  readonly codeChallenge: string;
  readonly scopes: readonly ApiScope[];
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** An access token, stored by digest, bound to the session it acts for. */
export interface AccessToken {
  readonly tokenHash: string;
  readonly clientId: string;
  readonly sessionId: string;
  /** The code it was issued for: a replayed code revokes what it gave. */
  readonly codeHash: string;
  readonly scopes: readonly ApiScope[];
  readonly expiresAt: Date;
}
