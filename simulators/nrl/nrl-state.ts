/**
 * What the NRL simulator holds: pointers by NHS number, the failure scenario in force, and a log
 * of consumer requests (never an NHS number or token: the path, status and headers' presence).
 */
import { initialPointers } from "./pointers.ts";

export const SCENARIOS = {
  unavailable: "every consumer request answers 503 SERVICE_UNAVAILABLE",
  "server-error": "every consumer request answers 500 INTERNAL_SERVER_ERROR",
  "no-pointers-for-ods": "every search answers 403 ACCESS_DENIED (no pointers for the ODS code)",
  slow: "every consumer request waits before answering (slowDelayMs)",
} as const;

export type Scenario = keyof typeof SCENARIOS;

export function isScenario(value: unknown): value is Scenario {
  return typeof value === "string" && Object.hasOwn(SCENARIOS, value);
}

export interface LoggedRequest {
  readonly time: string;
  readonly method: string;
  readonly route: "search-get" | "search-post" | "read" | "other";
  readonly status: number;
  readonly scenario: Scenario | null;
  readonly headers: {
    readonly "x-request-id": string | null;
    readonly "x-correlation-id": string | null;
    readonly "nhsd-end-user-organisation-ods": string | null;
  };
  readonly authorization: boolean;
}

export interface NrlState {
  pointers: Map<string, Record<string, unknown>[]>;
  scenario: Scenario | null;
  readonly log: LoggedRequest[];
  readonly slowDelayMs: number;
  /** What the API platform makes of a bearer token; absent: any bearer token (or none) is accepted. */
  readonly checkAccessToken: ((token: string) => "valid" | "expired" | "unknown") | undefined;
  /** ODS codes whose requests NRL refuses with "no pointers within requesting app". */
  readonly refusedOdsCodes: ReadonlySet<string>;
  readonly shutdown: AbortController;
}

const LOG_LIMIT = 2000;

export function createState(options: {
  slowDelayMs: number;
  checkAccessToken?: (token: string) => "valid" | "expired" | "unknown";
}): NrlState {
  return {
    pointers: initialPointers(),
    scenario: null,
    log: [],
    slowDelayMs: options.slowDelayMs,
    checkAccessToken: options.checkAccessToken,
    // The sandbox's documented unknown ODS code.
    refusedOdsCodes: new Set(["XYZ"]),
    shutdown: new AbortController(),
  };
}

export function record(state: NrlState, entry: LoggedRequest): void {
  state.log.push(entry);
  if (state.log.length > LOG_LIMIT) state.log.splice(0, state.log.length - LOG_LIMIT);
}

export function resetState(state: NrlState): void {
  state.pointers = initialPointers();
  state.scenario = null;
  state.log.length = 0;
}
