/**
 * For this folder's tests: the NRL simulator on a free port (optionally behind the PDS
 * simulator's API platform, whose tokens it then demands), with typed access to its control API.
 */
import { type NrlSimulator, startNrlSimulator } from "../../../simulators/nrl/server.ts";
import { noAccessToken } from "../apim/access-token.ts";
import type { NrlClientOptions } from "./nrl-client.ts";

export interface LoggedNrlRequest {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly headers: Record<string, string | null>;
  readonly authorization: boolean;
}

export interface NrlHarness {
  readonly sim: NrlSimulator;
  reset(): Promise<void>;
  scenario(name: string | null): Promise<void>;
  requests(): Promise<LoggedNrlRequest[]>;
  addPointer(nhsNumber: string, type: string, custodian: string): Promise<string>;
  removePointer(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startNrlHarness(
  options: {
    checkAccessToken?: (token: string) => "valid" | "expired" | "unknown";
    slowDelayMs?: number;
  } = {},
): Promise<NrlHarness> {
  const sim = await startNrlSimulator({ port: 0, slowDelayMs: options.slowDelayMs ?? 500, ...options });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.origin}/_sim${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    if (!response.ok) throw new Error(`${method} /_sim${path} answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };
  return {
    sim,
    reset: async () => void (await call("POST", "/reset")),
    scenario: async (scenario) => void (await call("PUT", "/scenario", { scenario })),
    requests: async () => (await call("GET", "/requests"))["requests"] as LoggedNrlRequest[],
    addPointer: async (nhsNumber, type, custodian) =>
      String((await call("POST", "/pointers", { nhsNumber, type, custodian }))["id"]),
    removePointer: async (id) => void (await call("DELETE", `/pointers/${id}`)),
    close: () => sim.close(),
  };
}

/** Client options for tests: fast retries, a generous queue; tests override what they probe. */
export function testNrlOptions(baseUrl: string, overrides: Partial<NrlClientOptions> = {}): NrlClientOptions {
  return {
    baseUrl,
    tokenSource: noAccessToken,
    searchMethod: "POST",
    timeoutMs: 2000,
    ratePerSecond: 50,
    maxQueueWaitMs: 10_000,
    maxAttempts: 3,
    circuit: { failureThreshold: 50, resetAfterMs: 60_000 },
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  };
}
