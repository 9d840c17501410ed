/**
 * Everything the simulator remembers between requests, in one place so `POST /_sim/reset` can
 * put all of it back: records, the global scenario, retry memory, counters, log and rate window.
 */
import type { InitialData } from "./fixtures.ts";
import type { SpineErrorFactory } from "./operation-outcome.ts";
import { PatientStore } from "./patient-store.ts";
import { RateLimiter } from "./rate-limit.ts";
import { RequestLog } from "./request-log.ts";
import { FirstAttempts, type ScenarioId } from "./scenarios.ts";
import { TrafficStats } from "./traffic-stats.ts";

export interface SimulatorSettings {
  rateLimitPerSecond: number;
  requireAuthorization: boolean;
  /** Bearer tokens must be ones the simulated API platform issued (checkAccessToken). */
  requireToken?: boolean;
  slowDelayMs: number;
  log: (line: string) => void;
}

export interface SimulatorState {
  readonly settings: SimulatorSettings;
  readonly store: PatientStore;
  readonly errors: SpineErrorFactory;
  readonly limiter: RateLimiter;
  readonly stats: TrafficStats;
  readonly requests: RequestLog;
  readonly firstAttempts: FirstAttempts;
  /** Aborted on shutdown so that slow responses stop waiting. */
  readonly shutdown: AbortController;
  globalScenario: ScenarioId | null;
  /** What the API platform makes of a bearer token; set when the platform is mounted. */
  checkAccessToken: (token: string) => "valid" | "expired" | "unknown";
  /** The CIS2 user of a user-restricted bearer token; null for an application's or none. */
  tokenUser: (token: string) => string | null;
  /** Monotonic milliseconds, for the rate windows. */
  now(): number;
  reset(): void;
}

/** Creates fresh simulator state from the initial data and settings. */
export function createSimulatorState(
  initial: InitialData,
  errors: SpineErrorFactory,
  settings: SimulatorSettings,
): SimulatorState {
  const state: SimulatorState = {
    settings,
    store: new PatientStore(initial),
    errors,
    limiter: new RateLimiter(settings.rateLimitPerSecond),
    stats: new TrafficStats(),
    requests: new RequestLog(),
    firstAttempts: new FirstAttempts(),
    shutdown: new AbortController(),
    globalScenario: null,
    checkAccessToken: () => "unknown",
    tokenUser: () => null,
    now: () => performance.now(),
    reset() {
      state.store.reset();
      state.limiter.reset();
      state.stats.reset();
      state.requests.clear();
      state.firstAttempts.clear();
      state.globalScenario = null;
    },
  };
  return state;
}
