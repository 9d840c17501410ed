/**
 * Access tokens from the NHS API platform as an adapter asks for them: one application-restricted
 * token shared by every call, or one user-restricted token per signed-in user, each cached until
 * shortly before it expires and renewed by a single fetch however many callers need it at once.
 */
import { AppError } from "../../platform/errors.ts";
import type { AccessTokenSource } from "./access-token.ts";
import { apimErrors } from "./apim.errors.ts";
import type { TokenCache } from "./token-cache.ts";
import type { TokenEndpoint } from "./token-endpoint.ts";

const APPLICATION = "application";

export interface PlatformTokensOptions {
  readonly endpoint: TokenEndpoint;
  readonly cache: TokenCache;
}

/** Application-restricted access: signed-JWT client credentials. */
export function applicationTokens(options: PlatformTokensOptions): AccessTokenSource {
  const { endpoint, cache } = options;
  return {
    token: () => cache.get(APPLICATION, () => endpoint.clientCredentials()),
    refused: (token) => {
      cache.forget(APPLICATION, token);
      return true;
    },
  };
}

/**
 * User-restricted access for one user: their CIS2 ID token exchanged for a token of their own.
 * `userId` keys the cache (never the ID token itself); `idToken` is asked only when a new access
 * token is needed, and null means the user has none to offer.
 */
export function userTokens(
  options: PlatformTokensOptions,
  user: { readonly userId: string; readonly idToken: () => Promise<string | null> },
): AccessTokenSource {
  const { endpoint, cache } = options;
  const holder = `user:${user.userId}`;
  return {
    token: () =>
      cache.get(holder, async () => {
        const idToken = await user.idToken();
        if (idToken === null)
          throw new AppError(apimErrors.user_token_refused, {
            cause: new Error("no CIS2 ID token to exchange"),
          });
        return endpoint.exchange(idToken);
      }),
    refused: (token) => {
      cache.forget(holder, token);
      return true;
    },
  };
}
