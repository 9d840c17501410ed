/**
 * Where an adapter of a national API (PDS now; NRL and MNS later) gets its OAuth access token.
 * The adapter asks before every HTTP attempt, so a source can cache a token and renew it when it
 * nears expiry without the adapter knowing. The PDS sandbox needs no token; INT and production
 * need one from the NHS API platform (`platform-tokens.ts`).
 */

export interface AccessTokenSource {
  /**
   * A bearer token for the next request, or null to send no `Authorization` header. Throws an
   * AppError from the catalogue when no token can be had.
   */
  token(): Promise<string | null>;
  /**
   * The API refused `token` (HTTP 401): forget it. True when the next `token()` will be a fresh
   * one worth one more attempt; absent or false for a source that can only give the same token.
   */
  refused?(token: string): boolean;
}

/** Sends no Authorization header: the PDS sandbox and a simulator that asks for no token. */
export const noAccessToken: AccessTokenSource = {
  token: () => Promise.resolve(null),
};

/** Always the same token: for a token obtained elsewhere (e.g. a short manual test against INT). */
export function staticAccessToken(token: string): AccessTokenSource {
  if (token.trim() === "") throw new TypeError("an access token must not be empty");
  return { token: () => Promise.resolve(token) };
}
