/**
 * The catalogue of named failure scenarios. Each can be triggered two ways: by reading its own
 * test NHS number (which otherwise reads like an ordinary patient) or globally through
 * `PUT /_sim/scenario`, which applies it to every Patient request until it is cleared.
 */
import type { SpineErrorCode } from "./operation-outcome.ts";

export const SCENARIO_IDS = [
  "rate-limited-once",
  "unavailable-once",
  "rate-limited",
  "unavailable",
  "slow",
  "connection-reset",
  "malformed-body",
  "server-error",
] as const;

export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface Scenario {
  id: ScenarioId;
  /** The test NHS number that triggers this scenario on `GET /Patient/{nhsNumber}`. */
  nhsNumber: string;
  description: string;
  trigger: string;
}

const DESCRIPTIONS: Record<ScenarioId, { nhsNumber: string; description: string }> = {
  "rate-limited-once": {
    nhsNumber: "9992000007",
    description:
      "First attempt of each X-Request-ID gets 429 TOO_MANY_REQUESTS (no Retry-After); a retry with the same X-Request-ID succeeds.",
  },
  "unavailable-once": {
    nhsNumber: "9992000015",
    description:
      "First attempt of each X-Request-ID gets 503 SERVICE_UNAVAILABLE with Retry-After: 5; a retry with the same X-Request-ID succeeds.",
  },
  "rate-limited": {
    nhsNumber: "9992000023",
    description: "Every attempt gets 429 TOO_MANY_REQUESTS (no Retry-After).",
  },
  unavailable: {
    nhsNumber: "9992000031",
    description: "Every attempt gets 503 SERVICE_UNAVAILABLE with Retry-After: 5.",
  },
  slow: {
    nhsNumber: "9992000058",
    description: "Answers normally, but only after slowDelayMs (default 3000 ms).",
  },
  "connection-reset": {
    nhsNumber: "9992000066",
    description: "Resets the TCP connection without sending any response.",
  },
  "malformed-body": {
    nhsNumber: "9992000074",
    description: "200 application/fhir+json whose body is truncated, so it is not valid JSON.",
  },
  "server-error": { nhsNumber: "9992000082", description: "500 UNKNOWN_ERROR." },
};

/** The full catalogue, in a stable order. */
export const SCENARIOS: readonly Scenario[] = SCENARIO_IDS.map((id) => {
  const { nhsNumber, description } = DESCRIPTIONS[id];
  const trigger = `GET /Patient/${nhsNumber}, or PUT /_sim/scenario {"scenario":"${id}"} for every Patient request`;
  return { id, nhsNumber, description, trigger };
});

const BY_NHS_NUMBER = new Map(SCENARIOS.map((scenario) => [scenario.nhsNumber, scenario.id]));

/** The scenario whose test NHS number this is, if any. */
export function scenarioForNhsNumber(nhsNumber: string): ScenarioId | undefined {
  return BY_NHS_NUMBER.get(nhsNumber);
}

/** What the Patient route must do for a request under a scenario. */
export type ScenarioAction =
  | { kind: "proceed"; delayMs: number; truncateBody: boolean }
  | { kind: "fail"; code: SpineErrorCode; retryAfterSeconds?: number }
  | { kind: "reset-connection" };

/** Answer normally: the action for requests no scenario applies to. */
export const PROCEED: Extract<ScenarioAction, { kind: "proceed" }> = {
  kind: "proceed",
  delayMs: 0,
  truncateBody: false,
};

/** PDS asks callers to wait this long after a Spine time-out. */
export const RETRY_AFTER_SECONDS = 5;

/** Remembers which X-Request-IDs have been seen, bounded so a long run cannot grow without limit. */
export class FirstAttempts {
  readonly #seen = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** True the first time `key` is offered, false on every later offer. */
  isFirst(key: string): boolean {
    if (this.#seen.has(key)) return false;
    if (this.#seen.size >= this.#capacity) {
      const oldest = this.#seen.values().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    this.#seen.add(key);
    return true;
  }

  clear(): void {
    this.#seen.clear();
  }
}

/** Decides the action for one request under `scenario`. */
export function decideScenario(
  scenario: ScenarioId,
  requestId: string,
  firstAttempts: FirstAttempts,
  slowDelayMs: number,
): ScenarioAction {
  switch (scenario) {
    case "rate-limited-once":
      return firstAttempts.isFirst(`${scenario}:${requestId}`)
        ? { kind: "fail", code: "TOO_MANY_REQUESTS" }
        : PROCEED;
    case "unavailable-once":
      return firstAttempts.isFirst(`${scenario}:${requestId}`)
        ? { kind: "fail", code: "SERVICE_UNAVAILABLE", retryAfterSeconds: RETRY_AFTER_SECONDS }
        : PROCEED;
    case "rate-limited":
      return { kind: "fail", code: "TOO_MANY_REQUESTS" };
    case "unavailable":
      return { kind: "fail", code: "SERVICE_UNAVAILABLE", retryAfterSeconds: RETRY_AFTER_SECONDS };
    case "slow":
      return { ...PROCEED, delayMs: slowDelayMs };
    case "connection-reset":
      return { kind: "reset-connection" };
    case "malformed-body":
      return { ...PROCEED, truncateBody: true };
    case "server-error":
      return { kind: "fail", code: "UNKNOWN_ERROR" };
  }
}
