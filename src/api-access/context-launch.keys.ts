/**
 * Each registered system's public keys for its signed context launches. A `jwksUri` is fetched when
 * first needed and cached; a launch signed with a key id not in the cache fetches it again (after a
 * cooldown per system), so a system rotates its keys by publishing the new one — no restart, no
 * change here. An inline `jwks` is the set itself: rotating it means changing API_CLIENTS.
 */
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet } from "jose";
import type { ApiClient } from "./api-access.types.ts";
import type { ClientKeys } from "./context-launch.checks.ts";

const CACHE_MAX_AGE_MS = 10 * 60_000;
const FETCH_TIMEOUT_MS = 5000;

export function clientKeySets(
  clients: readonly ApiClient[],
  cooldownSeconds: number,
): (clientId: string) => ClientKeys | undefined {
  const sets = new Map<string, ClientKeys>();
  for (const client of clients) {
    if (client.jwksUri)
      sets.set(client.id, {
        remote: true,
        getKey: createRemoteJWKSet(new URL(client.jwksUri), {
          cooldownDuration: cooldownSeconds * 1000,
          cacheMaxAge: CACHE_MAX_AGE_MS,
          timeoutDuration: FETCH_TIMEOUT_MS,
        }),
      });
    else if (client.jwks)
      sets.set(client.id, { remote: false, getKey: createLocalJWKSet(client.jwks as JSONWebKeySet) });
  }
  return (clientId) => sets.get(clientId);
}
