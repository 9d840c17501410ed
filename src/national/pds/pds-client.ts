/**
 * The PDS FHIR R4 adapter: reads one patient (`GET /Patient/{nhsNumber}`) and answers in our
 * terms. Around each read, from the outside in: a short cache with coalescing (concurrent reads of
 * one number share one call), a circuit breaker, retries with backoff that keep the X-Request-ID,
 * and a token bucket that keeps every HTTP attempt within PDS's rate limit.
 */
import { randomUUID } from "node:crypto";
import { demographicsErrors } from "../../patients/demographics.errors.ts";
import type {
  DemographicsReadResult,
  DemographicsService,
  ReadingUser,
  ReadOptions,
} from "../../patients/national-patient.ts";
import type { NhsNumber } from "../../patients/nhs-number.ts";
import { CircuitBreaker, type CircuitState, type CircuitTransition } from "../../platform/circuit-breaker.ts";
import { type Clock, systemClock } from "../../platform/clock.ts";
import { AppError } from "../../platform/errors.ts";
import { backoffDelayMs, parseRetryAfter } from "../../platform/retry.ts";
import { TokenBucket } from "../../platform/token-bucket.ts";
import type { AccessTokenSource } from "../apim/access-token.ts";
import { apimErrors } from "../apim/apim.errors.ts";
import { CoalescingCache } from "./coalescing-cache.ts";
import { getFromPds } from "./pds-http.ts";
import { type AttemptOutcome, type AttemptVerdict, interpretAttempt } from "./pds-response.ts";

/** What `onCall` reports: one event per HTTP attempt, plus reads refused before any attempt. */
export type PdsCallOutcome = AttemptOutcome | "circuit_open" | "busy";

export interface PdsCallEvent {
  readonly outcome: PdsCallOutcome;
  /** HTTP status, or null when there was none (time-out, network failure, refused locally). */
  readonly status: number | null;
  /** 1 for the first attempt of a read; 0 when the circuit refused the read. */
  readonly attempt: number;
  readonly durationMs: number;
}

export interface PdsRetryTiming {
  /** Cap of the first backoff when PDS gives no Retry-After; doubles per retry. Default 1000. */
  readonly baseDelayMs?: number;
  /** Longest backoff. Default 8000. */
  readonly maxDelayMs?: number;
  /** Longest Retry-After we honour; asked to wait longer, the read fails at once. Default 10000. */
  readonly maxRetryAfterMs?: number;
}

export interface PdsClientOptions {
  /** e.g. `https://int.api.service.nhs.uk/personal-demographics/FHIR/R4` */
  readonly baseUrl: string;
  /** The tokens of reads made for nobody in particular, and of every read without `userTokens`. */
  readonly tokenSource: AccessTokenSource;
  /**
   * User-restricted access (PDS_AUTH=user): the tokens of a read made for a signed-in user. Such
   * reads are cached and coalesced per user, so each user's read reaches PDS as theirs.
   */
  readonly userTokens?: (user: ReadingUser) => AccessTokenSource;
  /** Sent as NHSD-End-User-Organisation-ODS when set. */
  readonly endUserOdsCode?: string;
  /** Per HTTP attempt, including reading the body. */
  readonly timeoutMs: number;
  /** PDS's limit for this application (5 by default at PDS). */
  readonly ratePerSecond: number;
  /** How long an attempt may wait for its turn under the rate limit before failing with pds.busy. */
  readonly maxQueueWaitMs: number;
  readonly maxAttempts: number;
  /** How long results are kept; 0 turns the cache off (coalescing stays). */
  readonly cacheSeconds: number;
  readonly circuit: { readonly failureThreshold: number; readonly resetAfterMs: number };
  readonly clock?: Clock;
  /** For metrics and logs; events never carry an NHS number. */
  readonly onCall?: (event: PdsCallEvent) => void;
  readonly onCircuitChange?: (transition: CircuitTransition) => void;
  readonly retry?: PdsRetryTiming;
  /** How retries wait; injectable so tests can see the waits without spending them. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A token bucket of capacity c and rate r admits up to c + r·W calls in any span W. Capacity 1 and
 * a rate a little under the limit keep every one-second window at the limit even when requests
 * reach PDS up to this much later or earlier than they left.
 */
const RATE_HEADROOM_MS = 250;
const DEFAULT_RETRY = { baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 10_000 } as const;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tokenFailure(error: unknown): AppError {
  if (error instanceof AppError && error.code.startsWith("pds.")) return error;
  const unreachable = !(error instanceof AppError) || error.code === apimErrors.unreachable.code;
  const userRefused = error instanceof AppError && error.code === apimErrors.user_token_refused.code;
  const definition = unreachable
    ? demographicsErrors.unavailable
    : userRefused
      ? demographicsErrors.sign_in_not_accepted
      : demographicsErrors.access_denied;
  return new AppError(definition, {
    cause: error,
    ...(error instanceof AppError ? { details: { platform: error.code } } : {}),
  });
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`PdsClient: ${message}`);
}

export class PdsClient implements DemographicsService {
  readonly #options: PdsClientOptions;
  readonly #patientUrl: string;
  readonly #clock: Clock;
  readonly #retry: Required<PdsRetryTiming>;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #bucket: TokenBucket;
  readonly #breaker: CircuitBreaker;
  /** Keyed by the reader (empty for the application) and the NHS number. */
  readonly #cache: CoalescingCache<string, DemographicsReadResult>;
  /** Failures that say nothing about PDS's health (refused locally), so the breaker ignores them. */
  readonly #neutral = new WeakSet<AppError>();

  constructor(options: PdsClientOptions) {
    check(URL.canParse(options.baseUrl), "baseUrl must be an absolute URL");
    check(options.timeoutMs > 0, "timeoutMs must be > 0");
    check(options.ratePerSecond > 0, "ratePerSecond must be > 0");
    check(options.maxQueueWaitMs >= 0, "maxQueueWaitMs must be ≥ 0");
    check(Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1, "maxAttempts must be ≥ 1");
    check(options.cacheSeconds >= 0, "cacheSeconds must be ≥ 0");
    this.#options = options;
    this.#patientUrl = `${options.baseUrl.replace(/\/+$/, "")}/Patient/`;
    this.#clock = options.clock ?? systemClock;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#sleep = options.sleep ?? defaultSleep;
    const millis = () => this.#clock.now().getTime();
    this.#bucket = new TokenBucket({
      capacity: 1,
      refillPerSecond: (options.ratePerSecond * 1000) / (1000 + RATE_HEADROOM_MS),
    });
    this.#breaker = new CircuitBreaker({
      ...options.circuit,
      now: millis,
      ...(options.onCircuitChange ? { onTransition: options.onCircuitChange } : {}),
    });
    this.#cache = new CoalescingCache({ ttlMs: options.cacheSeconds * 1000, now: millis });
  }

  /**
   * Reads a patient. Cached results are returned as they were (same `retrievedAt`); a read that
   * joins one in flight shares its outcome, correlation id included. Throws `pds.*` AppErrors.
   */
  read(nhsNumber: NhsNumber, options: ReadOptions): Promise<DemographicsReadResult> {
    const user = this.#options.userTokens ? options.onBehalfOf : undefined;
    const source = user ? (this.#options.userTokens as (u: ReadingUser) => AccessTokenSource)(user) : null;
    const key = `${user?.userId ?? ""}/${nhsNumber}`;
    const read = () =>
      this.#guardedRead(nhsNumber, options.correlationId, source ?? this.#options.tokenSource);
    return this.#cache.get(key, read, {
      ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    });
  }

  /** Forgets every cached result (e.g. after PDS tells us a record changed). */
  clearCache(): void {
    this.#cache.clear();
  }

  /** The circuit breaker's state, for readiness and operations pages. */
  get circuitState(): CircuitState {
    return this.#breaker.state;
  }

  async #guardedRead(
    nhsNumber: NhsNumber,
    correlationId: string,
    tokens: AccessTokenSource,
  ): Promise<DemographicsReadResult> {
    const permit = this.#breaker.tryAcquire();
    if (!permit) {
      this.#emit({ outcome: "circuit_open", status: null, attempt: 0, durationMs: 0 });
      throw new AppError(demographicsErrors.circuit_open);
    }
    try {
      const result = await this.#readWithRetries(nhsNumber, correlationId, tokens);
      permit.success();
      return result;
    } catch (error) {
      if (!(error instanceof AppError) || this.#neutral.has(error)) permit.neutral();
      // PDS answered, so it is up: a refusal of our request or credentials is not an outage.
      else if (error.code === demographicsErrors.rejected.code) permit.success();
      else if (error.code === demographicsErrors.access_denied.code) permit.success();
      else permit.failure();
      throw error;
    }
  }

  /**
   * One logical read: up to maxAttempts HTTP attempts, all with the same X-Request-ID, and once
   * per read one more at once when PDS refuses a token (401) the source can replace: a token
   * revoked or expired early is renewed, a second refusal is final.
   */
  async #readWithRetries(
    nhsNumber: NhsNumber,
    correlationId: string,
    tokens: AccessTokenSource,
  ): Promise<DemographicsReadResult> {
    const requestId = randomUUID();
    let last: AppError | undefined;
    let renewed = 0;
    for (let attempt = 1; ; attempt++) {
      const { verdict, refusedToken } = await this.#attempt(
        { nhsNumber, requestId, correlationId, tokens },
        attempt,
        last,
      );
      if (verdict.kind === "result") return verdict.result;
      last = verdict.error;
      if (renewed === 0 && refusedToken !== null && tokens.refused?.(refusedToken)) {
        renewed = 1;
        continue;
      }
      if (!verdict.retryable || attempt - renewed >= this.#options.maxAttempts) throw verdict.error;
      const wait = this.#retryWait(verdict, attempt);
      if (wait === undefined) throw verdict.error;
      await this.#sleep(wait);
    }
  }

  /** Retry-After when PDS sent one (undefined if longer than we allow), else jittered backoff. */
  #retryWait(verdict: Extract<AttemptVerdict, { kind: "failure" }>, retry: number): number | undefined {
    const asked = parseRetryAfter(verdict.retryAfter, this.#clock.now());
    if (asked !== undefined) return asked <= this.#retry.maxRetryAfterMs ? asked : undefined;
    return backoffDelayMs(retry, this.#retry);
  }

  async #attempt(
    read: {
      readonly nhsNumber: NhsNumber;
      readonly requestId: string;
      readonly correlationId: string;
      readonly tokens: AccessTokenSource;
    },
    attempt: number,
    previous: AppError | undefined,
  ): Promise<{ verdict: AttemptVerdict; refusedToken: string | null }> {
    const { nhsNumber, requestId, correlationId } = read;
    const token = await this.#token(read.tokens);
    const headers = this.#headers(requestId, correlationId, token);
    if (!(await this.#bucket.take(this.#options.maxQueueWaitMs))) {
      this.#emit({ outcome: "busy", status: null, attempt, durationMs: 0 });
      const busy = new AppError(demographicsErrors.busy, {
        cause:
          previous ?? new Error(`no turn under the rate limit within ${this.#options.maxQueueWaitMs} ms`),
      });
      this.#neutral.add(busy);
      throw busy;
    }
    const started = performance.now();
    const result = await getFromPds({
      url: `${this.#patientUrl}${nhsNumber}`,
      headers,
      timeoutMs: this.#options.timeoutMs,
    });
    const verdict = interpretAttempt(result, nhsNumber, this.#clock.now());
    const status = result.kind === "response" ? result.status : null;
    this.#emit({ outcome: verdict.outcome, status, attempt, durationMs: performance.now() - started });
    return { verdict, refusedToken: status === 401 && token !== null ? token : null };
  }

  #headers(requestId: string, correlationId: string, token: string | null): Record<string, string> {
    const headers: Record<string, string> = { Accept: "application/fhir+json", "X-Request-ID": requestId };
    if (correlationId !== "") headers["X-Correlation-ID"] = correlationId;
    if (this.#options.endUserOdsCode)
      headers["NHSD-End-User-Organisation-ODS"] = this.#options.endUserOdsCode;
    if (token !== null) headers["Authorization"] = `Bearer ${token}`;
    return headers;
  }

  /**
   * Asked per attempt, so a source that renews tokens is used afresh on a retry. A token that
   * cannot be had is said in PDS's terms (the port's catalogue), with the source's own error
   * (an `apim.*` one, naming what to fix) as the cause: unreachable is PDS being unavailable to
   * us, anything else is our credentials being refused.
   */
  async #token(tokens: AccessTokenSource): Promise<string | null> {
    try {
      return await tokens.token();
    } catch (error) {
      const translated = tokenFailure(error);
      // No token says nothing about PDS itself.
      this.#neutral.add(translated);
      throw translated;
    }
  }

  #emit(event: PdsCallEvent): void {
    try {
      this.#options.onCall?.(event);
    } catch {
      // A failing metrics hook must never fail a read.
    }
  }
}
