/**
 * For this folder's tests: the PDS simulator run as its own process from its standalone entry
 * (src/ never imports simulators/, so the simulator stays an independent implementation), on a
 * free port, with typed access to its `/_sim/` control API.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Clock } from "../../platform/clock.ts";
import { noAccessToken } from "./access-token.ts";
import type { PdsClientOptions } from "./pds-client.ts";

const ENTRY = resolve(import.meta.dirname, "../../../simulators/pds/main.ts");
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 1_000;

export interface SimulatedRequest {
  readonly path: string;
  readonly status: number | null;
  readonly scenario: string | null;
  readonly headers: {
    readonly "x-request-id": string | null;
    readonly "x-correlation-id": string | null;
    readonly "nhsd-end-user-organisation-ods": string | null;
  };
  readonly authorization: boolean;
}

export interface SimulatorStats {
  readonly requests: number;
  readonly byNhsNumber: Readonly<Record<string, number>>;
  readonly peakRatePerSecond: number;
  readonly rateLimited: number;
}

export interface PdsSimulatorProcess {
  /** `http://127.0.0.1:<port>/personal-demographics/FHIR/R4` */
  readonly baseUrl: string;
  reset(): Promise<void>;
  setScenario(scenario: string | null): Promise<void>;
  requests(limit?: number): Promise<SimulatedRequest[]>;
  stats(): Promise<SimulatorStats>;
  /** The stored record, unredacted (restricted records keep their location data here). */
  storedPatient(nhsNumber: string): Promise<unknown>;
  /** Changes a record as another NHS system would (e.g. `{ security: "R" }`). */
  changePatient(nhsNumber: string, change: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** Resolves with the base URL from the simulator's "listening on" line. */
function listeningUrl(child: ChildProcess): Promise<string> {
  const stderr = child.stderr;
  if (!stderr) throw new Error("the simulator's stderr is not piped");
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error("PDS simulator did not start in time")),
      START_TIMEOUT_MS,
    );
    child.once("exit", (code) => reject(new Error(`PDS simulator exited with ${code}`)));
    // Reading every line also keeps the pipe drained while the simulator logs each request.
    createInterface({ input: stderr }).on("line", (line) => {
      const match = /listening on (http\S+)/.exec(line);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolveUrl(match[1]);
    });
  });
}

/** Starts `simulators/pds/main.ts` on a free port (its own 5-per-second spike arrest stays on). */
export async function startPdsSimulatorProcess(): Promise<PdsSimulatorProcess> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, PDS_SIM_PORT: "0" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const baseUrl = await listeningUrl(child);
  const control = `${new URL(baseUrl).origin}/_sim`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const init: RequestInit =
      body === undefined
        ? { method }
        : { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } };
    const response = await fetch(`${control}${path}`, init);
    if (!response.ok) throw new Error(`${method} /_sim${path} answered ${response.status}`);
    return response.json();
  };
  return {
    baseUrl,
    reset: async () => void (await call("POST", "/reset")),
    setScenario: async (scenario) => void (await call("PUT", "/scenario", { scenario })),
    requests: async (limit = 1000) =>
      ((await call("GET", `/requests?limit=${limit}`)) as { requests: SimulatedRequest[] }).requests,
    stats: async () => (await call("GET", "/stats")) as SimulatorStats,
    storedPatient: async (nhsNumber) =>
      ((await call("GET", `/patients/${nhsNumber}`)) as { patient: unknown }).patient,
    changePatient: async (nhsNumber, change) => void (await call("PATCH", `/patients/${nhsNumber}`, change)),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      // It finishes requests in flight first; a test that left one hanging should not hold us up.
      const force = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(force);
    },
  };
}

/** Client options for tests: fast retries, no cache, a generous queue; tests override what they probe. */
export function testClientOptions(
  baseUrl: string,
  overrides: Partial<PdsClientOptions> = {},
): PdsClientOptions {
  return {
    baseUrl,
    tokenSource: noAccessToken,
    timeoutMs: 5000,
    ratePerSecond: 5,
    maxQueueWaitMs: 30_000,
    maxAttempts: 3,
    cacheSeconds: 0,
    circuit: { failureThreshold: 50, resetAfterMs: 60_000 },
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    ...overrides,
  };
}

/** A clock that stands still until the test moves it. */
export function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}
