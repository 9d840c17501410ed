/**
 * Where the PDS adapter gets its OAuth access token. The client asks before every HTTP attempt,
 * so a source can cache a token and renew it when it nears expiry without the client knowing.
 * The sandbox and the local simulator need no token; INT and production need one from NHS
 * England's OAuth server (a signed-JWT client-credentials source, added as another implementation
 * of this interface).
 */

export interface AccessTokenSource {
  /**
   * A bearer token for the next request, or null to send no `Authorization` header. Throws an
   * AppError from the catalogue when no token can be had.
   */
  token(): Promise<string | null>;
}

/** Sends no Authorization header: the PDS sandbox and the local simulator. */
export const noAccessToken: AccessTokenSource = {
  token: () => Promise.resolve(null),
};

/** Always the same token: for a token obtained elsewhere (e.g. a short manual test against INT). */
export function staticAccessToken(token: string): AccessTokenSource {
  if (token.trim() === "") throw new TypeError("an access token must not be empty");
  return { token: () => Promise.resolve(token) };
}
