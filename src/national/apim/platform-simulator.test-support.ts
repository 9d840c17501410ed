/**
 * For this folder's tests and the PDS adapter's: the PDS simulator with the API platform's token
 * endpoint on its origin, an application registered with it whose JWKS is served from a key
 * store of ours over real HTTP (as /.well-known/jwks.json serves it), and the simulator's
 * control API.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PdsSimulator, startPdsSimulator } from "../../../simulators/pds/server.ts";
import type { Clock } from "../../platform/clock.ts";
import { KeyStore } from "../../platform/key-store.ts";
import type { AccessTokenSource } from "./access-token.ts";
import { applicationTokens, type PlatformTokensOptions } from "./platform-tokens.ts";
import { TokenCache } from "./token-cache.ts";
import { TokenEndpoint } from "./token-endpoint.ts";

export const TEST_API_KEY = "ncrs-connect-test-api-key";

export interface PlatformHarness {
  readonly pds: PdsSimulator;
  readonly tokenUrl: string;
  readonly keys: KeyStore;
  /** Token requests the platform received, oldest first. */
  tokenRequests(): Promise<{ grant: string; status: number; description: string | null }[]>;
  apim(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Application-restricted tokens from the simulator, with a fresh cache. */
  tokens(options?: {
    clock?: Clock;
    apiKey?: string;
    tokenUrl?: string;
    marginSeconds?: number;
  }): AccessTokenSource;
  /** A token endpoint client and cache for this application, for user-restricted tokens. */
  platformOptions(): PlatformTokensOptions;
  close(): Promise<void>;
}

async function serveJwks(keys: KeyStore): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) =>
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(keys.publicJwks())),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `cis2Issuer`: the CIS2 whose ID tokens the platform's token exchange accepts. */
export async function startPlatformHarness(options: { cis2Issuer?: string } = {}): Promise<PlatformHarness> {
  const dir = mkdtempSync(join(tmpdir(), "apim-keys-"));
  const keys = await KeyStore.open(dir, "apim-client", "RS512");
  const jwks = await serveJwks(keys);
  const pds = await startPdsSimulator({
    port: 0,
    rateLimitPerSecond: 0,
    platform: {
      applications: [{ apiKey: TEST_API_KEY, jwksUrl: jwks.url }],
      ...(options.cis2Issuer ? { cis2: { issuer: options.cis2Issuer } } : {}),
    },
  });
  const tokenUrl = pds.tokenUrl ?? "";
  const apim = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit =
      body === undefined
        ? { method }
        : { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } };
    return (await fetch(`${pds.origin}/_sim/apim${path}`, init)).json();
  };
  return {
    pds,
    tokenUrl,
    keys,
    apim,
    tokenRequests: async () =>
      (
        (await apim("GET", "/requests")) as {
          requests: { grant: string; status: number; description: string | null }[];
        }
      ).requests,
    tokens: (options = {}) => {
      const clock = options.clock;
      const endpoint = new TokenEndpoint({
        tokenUrl: options.tokenUrl ?? tokenUrl,
        apiKey: options.apiKey ?? TEST_API_KEY,
        signingKey: () => keys.signingKey(),
        assertionSeconds: 60,
        timeoutMs: 5000,
        ...(clock ? { clock } : {}),
      });
      const cache = new TokenCache({
        marginSeconds: options.marginSeconds ?? 60,
        ...(clock ? { clock } : {}),
      });
      return applicationTokens({ endpoint, cache });
    },
    platformOptions: () => ({
      endpoint: new TokenEndpoint({
        tokenUrl,
        apiKey: TEST_API_KEY,
        signingKey: () => keys.signingKey(),
        assertionSeconds: 60,
        timeoutMs: 5000,
      }),
      cache: new TokenCache({ marginSeconds: 60 }),
    }),
    close: async () => {
      await pds.close();
      await jwks.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
