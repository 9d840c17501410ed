/**
 * Local simulator of the NHS Personal Demographics Service FHIR R4 API: serves the PDS sandbox's
 * patients plus our own synthetic ones, with PDS's validation, rate limiting and error shapes, a
 * catalogue of failure scenarios, and a `/_sim/` control API for tests.
 */
import Fastify from "fastify";
import { type ApimPlatform, type ApimPlatformOptions, mountApimPlatform } from "../apim/platform.ts";
import { registerControlApi } from "./control-api.ts";
import { loadErrorTemplates, loadInitialData } from "./fixtures.ts";
import { createSpineErrors } from "./operation-outcome.ts";
import { BASE_PATH, registerPatientRoutes } from "./patient-routes.ts";
import { createSimulatorState, type SimulatorSettings } from "./simulator-state.ts";

export interface PdsSimulatorOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Patient requests admitted per sliding second before 429; default 5 (PDS's default), 0 = off. */
  rateLimitPerSecond?: number;
  /** Reject requests without `Authorization: Bearer …` (as INT and production do); default false. */
  requireAuthorization?: boolean;
  /**
   * Serve the NHS API platform's token endpoint (`/oauth2/token`) on the same origin, as INT
   * does, with these registered applications (see simulators/apim/README.md).
   */
  platform?: ApimPlatformOptions;
  /**
   * Every Patient request needs a bearer token the platform issued and that has not expired;
   * default true when `platform` is given.
   */
  requireToken?: boolean;
  /** Delay of the `slow` scenario in milliseconds; default 3000. */
  slowDelayMs?: number;
  /** Receives one line per Patient request and per control change; default discards them. */
  log?: (line: string) => void;
}

export interface PdsSimulator {
  /** e.g. `http://127.0.0.1:3102/personal-demographics/FHIR/R4` */
  baseUrl: string;
  /** e.g. `http://127.0.0.1:3102`; the control API lives at `${origin}/_sim/`. */
  origin: string;
  /** With `platform`: the exact token URL, e.g. `http://127.0.0.1:3102/oauth2/token`. */
  tokenUrl?: string;
  /** With `platform`: the platform itself, so another simulated API behind it (MNS) can check its tokens. */
  platform?: ApimPlatform;
  /** With `platform`: what the platform makes of a bearer token, for other APIs behind it (NRL). */
  checkAccessToken?: (token: string) => "valid" | "expired" | "unknown";
  close(): Promise<void>;
}

function settingsFrom(options: PdsSimulatorOptions): SimulatorSettings {
  const slowDelayMs = options.slowDelayMs ?? 3000;
  if (!Number.isFinite(slowDelayMs) || slowDelayMs < 0)
    throw new Error(`slowDelayMs must be ≥ 0, got ${slowDelayMs}`);
  return {
    rateLimitPerSecond: options.rateLimitPerSecond ?? 5,
    requireAuthorization: options.requireAuthorization ?? false,
    requireToken: options.requireToken ?? options.platform !== undefined,
    slowDelayMs,
    log: options.log ?? (() => {}),
  };
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts the simulator and resolves once it is listening. Each call gets its own data and state,
 * so parallel tests do not interfere.
 */
export async function startPdsSimulator(options: PdsSimulatorOptions): Promise<PdsSimulator> {
  const settings = settingsFrom(options);
  const state = createSimulatorState(loadInitialData(), createSpineErrors(loadErrorTemplates()), settings);
  const app = Fastify({ logger: false });
  const platform = options.platform ? mountApimPlatform(app, options.platform, settings.log) : undefined;
  if (settings.requireToken && !platform) throw new Error("requireToken needs platform");
  if (platform) {
    state.checkAccessToken = platform.checkAccessToken;
    state.tokenUser = platform.userOf;
  }
  registerPatientRoutes(app, state);
  registerControlApi(app, state);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const origin = `http://${urlHost(host)}:${port}`;
  const tokenUrl = platform?.listening(origin);
  settings.log(`PDS simulator listening on ${origin}${BASE_PATH}`);
  if (tokenUrl) settings.log(`API platform token endpoint ${tokenUrl}`);
  return {
    baseUrl: `${origin}${BASE_PATH}`,
    origin,
    ...(tokenUrl ? { tokenUrl } : {}),
    ...(platform ? { platform } : {}),
    ...(platform ? { checkAccessToken: platform.checkAccessToken } : {}),
    async close() {
      state.shutdown.abort();
      await app.close();
    },
  };
}
