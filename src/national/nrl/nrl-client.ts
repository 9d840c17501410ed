/**
 * The NRL v3 consumer adapter: searches a patient's pointers (`POST /DocumentReference/_search`,
 * or GET) and reads one by id, with NRL's headers, and answers in our terms. Around each call,
 * as the PDS adapter: a circuit breaker, retries with backoff that keep the X-Request-ID, and a
 * token bucket within NRL's rate limit. Nothing is cached here: the pointer cache is the records
 * domain's, with its own expiry rules.
 */
import { randomUUID } from "node:crypto";
import type { NhsNumber } from "../../patients/nhs-number.ts";
import { CircuitBreaker, type CircuitState } from "../../platform/circuit-breaker.ts";
import { type Clock, systemClock } from "../../platform/clock.ts";
import { AppError } from "../../platform/errors.ts";
import { backoffDelayMs, parseRetryAfter } from "../../platform/retry.ts";
import { TokenBucket } from "../../platform/token-bucket.ts";
import type {
  PointerSearchResult,
  RecordLocator,
  RecordPointer,
  SearchOptions,
} from "../../records/record-pointer.ts";
import { recordsErrors } from "../../records/records.errors.ts";
import type { AccessTokenSource } from "../apim/access-token.ts";
import { apimErrors } from "../apim/apim.errors.ts";
import { callNrl, type NrlHttpRequest } from "./nrl-http.ts";
import {
  interpretNrlAttempt,
  type NrlAnswer,
  type NrlAttemptOutcome,
  type NrlVerdict,
} from "./nrl-response.ts";

const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

export interface NrlCallEvent {
  readonly operation: "search" | "read";
  readonly outcome: NrlAttemptOutcome | "circuit_open" | "busy";
  readonly status: number | null;
  readonly attempt: number;
  readonly durationMs: number;
}

export interface NrlClientOptions {
  /** e.g. `https://int.api.service.nhs.uk/record-locator/consumer/FHIR/R4` */
  readonly baseUrl: string;
  readonly tokenSource: AccessTokenSource;
  /** `POST /DocumentReference/_search` (NRL's preferred) or `GET /DocumentReference?…`. */
  readonly searchMethod: "POST" | "GET";
  readonly timeoutMs: number;
  readonly ratePerSecond: number;
  readonly maxQueueWaitMs: number;
  readonly maxAttempts: number;
  readonly circuit: { readonly failureThreshold: number; readonly resetAfterMs: number };
  readonly retry?: {
    readonly baseDelayMs?: number;
    readonly maxDelayMs?: number;
    readonly maxRetryAfterMs?: number;
  };
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  /** One event per HTTP attempt (and per call refused before one); never an NHS number. */
  readonly onCall?: (event: NrlCallEvent) => void;
}

const DEFAULT_RETRY = { baseDelayMs: 500, maxDelayMs: 2000, maxRetryAfterMs: 2000 } as const;
const RATE_HEADROOM_MS = 250;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A token that cannot be had, in NRL's terms, the platform's error as the cause. */
function tokenFailure(error: unknown): AppError {
  const unreachable = !(error instanceof AppError) || error.code === apimErrors.unreachable.code;
  return new AppError(unreachable ? recordsErrors.unavailable : recordsErrors.access_denied, {
    cause: error,
    ...(error instanceof AppError ? { details: { platform: error.code } } : {}),
  });
}

export class NrlClient implements RecordLocator {
  readonly #options: NrlClientOptions;
  readonly #base: string;
  readonly #clock: Clock;
  readonly #retry: Required<NonNullable<NrlClientOptions["retry"]>>;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #bucket: TokenBucket;
  readonly #breaker: CircuitBreaker;
  readonly #neutral = new WeakSet<AppError>();

  constructor(options: NrlClientOptions) {
    if (!URL.canParse(options.baseUrl)) throw new RangeError("NrlClient: baseUrl must be an absolute URL");
    if (!(options.maxAttempts >= 1)) throw new RangeError("NrlClient: maxAttempts must be ≥ 1");
    this.#options = options;
    this.#base = options.baseUrl.replace(/\/+$/, "");
    this.#clock = options.clock ?? systemClock;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#sleep = options.sleep ?? defaultSleep;
    this.#bucket = new TokenBucket({
      capacity: 1,
      refillPerSecond: (options.ratePerSecond * 1000) / (1000 + RATE_HEADROOM_MS),
    });
    this.#breaker = new CircuitBreaker({ ...options.circuit, now: () => this.#clock.now().getTime() });
  }

  get circuitState(): CircuitState {
    return this.#breaker.state;
  }

  async search(nhsNumber: NhsNumber, options: SearchOptions): Promise<PointerSearchResult> {
    const subject = `${NHS_NUMBER_SYSTEM}|${nhsNumber}`;
    const request =
      this.#options.searchMethod === "POST"
        ? {
            method: "POST" as const,
            url: `${this.#base}/DocumentReference/_search`,
            body: { "subject:identifier": subject },
          }
        : {
            method: "GET" as const,
            url: `${this.#base}/DocumentReference?${new URLSearchParams({ "subject:identifier": subject })}`,
          };
    const answer = await this.#guarded("search", request, options);
    const provenance = { source: "NRL" as const, retrievedAt: this.#clock.now() };
    if (answer.kind === "none_for_organisation") return { kind: "none_for_organisation", provenance };
    if (answer.kind !== "found") throw new AppError(recordsErrors.bad_response);
    return { kind: "found", pointers: answer.pointers, refused: answer.refused, provenance };
  }

  async read(id: string, options: SearchOptions): Promise<RecordPointer | null> {
    const url = `${this.#base}/DocumentReference/${encodeURIComponent(id)}`;
    const answer = await this.#guarded("read", { method: "GET", url }, options);
    if (answer.kind === "pointer") return answer.pointer;
    if (answer.kind === "not_found" || answer.kind === "none_for_organisation") return null;
    throw new AppError(recordsErrors.bad_response);
  }

  async #guarded(
    operation: NrlCallEvent["operation"],
    request: Omit<NrlHttpRequest, "headers" | "timeoutMs">,
    options: SearchOptions,
  ): Promise<NrlAnswer> {
    const permit = this.#breaker.tryAcquire();
    if (!permit) {
      this.#emit({ operation, outcome: "circuit_open", status: null, attempt: 0, durationMs: 0 });
      throw new AppError(recordsErrors.circuit_open);
    }
    try {
      const answer = await this.#withRetries(operation, request, options);
      permit.success();
      return answer;
    } catch (error) {
      if (!(error instanceof AppError) || this.#neutral.has(error)) permit.neutral();
      // NRL answered: a refusal of our request or credentials is not an outage.
      else if (error.code === recordsErrors.rejected.code || error.code === recordsErrors.access_denied.code)
        permit.success();
      else permit.failure();
      throw error;
    }
  }

  async #withRetries(
    operation: NrlCallEvent["operation"],
    request: Omit<NrlHttpRequest, "headers" | "timeoutMs">,
    options: SearchOptions,
  ): Promise<NrlAnswer> {
    const requestId = randomUUID();
    let renewed = 0;
    for (let attempt = 1; ; attempt++) {
      const token = await this.#token();
      if (!(await this.#bucket.take(this.#options.maxQueueWaitMs))) {
        this.#emit({ operation, outcome: "busy", status: null, attempt, durationMs: 0 });
        const busy = new AppError(recordsErrors.busy);
        this.#neutral.add(busy);
        throw busy;
      }
      const started = performance.now();
      const result = await callNrl({
        ...request,
        headers: this.#headers(requestId, options, token),
        timeoutMs: this.#options.timeoutMs,
      });
      const verdict = interpretNrlAttempt(result, operation === "read");
      const status = result.kind === "response" ? result.status : null;
      this.#emit({
        operation,
        outcome: verdict.outcome,
        status,
        attempt,
        durationMs: performance.now() - started,
      });
      if (verdict.kind === "result") return verdict.answer;
      if (renewed === 0 && status === 401 && token !== null && this.#options.tokenSource.refused?.(token)) {
        renewed = 1;
        continue;
      }
      if (!verdict.retryable || attempt - renewed >= this.#options.maxAttempts) throw verdict.error;
      const wait = this.#retryWait(verdict, attempt - renewed);
      if (wait === undefined) throw verdict.error;
      await this.#sleep(wait);
    }
  }

  #retryWait(verdict: Extract<NrlVerdict, { kind: "failure" }>, retry: number): number | undefined {
    const asked = parseRetryAfter(verdict.retryAfter, this.#clock.now());
    if (asked !== undefined) return asked <= this.#retry.maxRetryAfterMs ? asked : undefined;
    return backoffDelayMs(retry, this.#retry);
  }

  #headers(requestId: string, options: SearchOptions, token: string | null): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: "application/fhir+json;version=1",
      "X-Request-ID": requestId,
      "NHSD-End-User-Organisation-ODS": options.odsCode,
    };
    if (options.correlationId !== "") headers["X-Correlation-ID"] = options.correlationId;
    if (token !== null) headers["Authorization"] = `Bearer ${token}`;
    return headers;
  }

  async #token(): Promise<string | null> {
    try {
      return await this.#options.tokenSource.token();
    } catch (error) {
      const translated = tokenFailure(error);
      this.#neutral.add(translated);
      throw translated;
    }
  }

  #emit(event: NrlCallEvent): void {
    try {
      this.#options.onCall?.(event);
    } catch {
      // A failing metrics hook must never fail a call.
    }
  }
}
