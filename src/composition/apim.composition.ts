/**
 * The NHS API platform's application-restricted access tokens from configuration (APIM_*), for
 * every adapter that needs them: PDS (with PDS_AUTH=application), MNS subscriptions and the doctor.
 * Part of the composition root.
 */
import type { Config } from "../config/load-config.ts";
import type { AccessTokenSource } from "../national/apim/access-token.ts";
import { applicationTokens, userTokens } from "../national/apim/platform-tokens.ts";
import { openPlatformSigningKeys } from "../national/apim/signing-keys.ts";
import { TokenCache } from "../national/apim/token-cache.ts";
import { TokenEndpoint } from "../national/apim/token-endpoint.ts";
import type { Clock } from "../platform/clock.ts";
import type { KeyStore } from "../platform/key-store.ts";

export interface PlatformAccess {
  readonly source: AccessTokenSource;
  /** Our keys for the platform, to publish in our JWKS; null when APIM_PRIVATE_KEY_PATH is used. */
  readonly published: KeyStore | null;
  /** User-restricted tokens for one user: their CIS2 ID token exchanged (cached per user). */
  forUser(userId: string, idToken: () => Promise<string | null>): AccessTokenSource;
}

/** Null when APIM_TOKEN_URL or APIM_API_KEY is not configured. */
export async function platformAccess(
  config: Config,
  keysDir: string,
  clock: Clock,
): Promise<PlatformAccess | null> {
  if (!config.apimTokenUrl || !config.apimApiKey) return null;
  const keys = await openPlatformSigningKeys({
    keysDir,
    keyBits: config.apimKeyBits,
    privateKeyPath: config.apimPrivateKeyPath,
    keyId: config.apimKeyId,
  });
  const endpoint = new TokenEndpoint({
    tokenUrl: config.apimTokenUrl,
    apiKey: config.apimApiKey,
    signingKey: keys.signingKey,
    assertionSeconds: config.apimAssertionSeconds,
    timeoutMs: config.apimTimeoutMs,
    clock,
  });
  const cache = new TokenCache({ marginSeconds: config.apimRenewMarginSeconds, clock });
  return {
    source: applicationTokens({ endpoint, cache }),
    published: keys.published,
    forUser: (userId, idToken) => userTokens({ endpoint, cache }, { userId, idToken }),
  };
}
