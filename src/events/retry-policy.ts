/**
 * When to try a failed event again, and when to stop (pure). Failures of PDS that time can fix
 * (unavailable, busy, slow, circuit open, an answer we could not read, PDS not yet at the event's
 * version) are retried with exponential backoff; a request PDS refused as invalid is not, because
 * repeating it cannot succeed. Anything unexpected is retried: a bug fixed and deployed should not
 * have cost the event.
 */
import { AppError } from "../platform/errors.ts";

/** PDS refusing our request as invalid: the same request would be refused again. */
const FINAL_CODES = new Set(["pds.rejected"]);

/** The error code recorded for a failure (catalogue code, or `internal` for anything else). */
export function failureCode(error: unknown): string {
  return error instanceof AppError ? error.code : "internal";
}

export type RetryDecision =
  | { readonly kind: "retry"; readonly at: Date }
  | { readonly kind: "dead"; readonly reason: string };

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Backoff before the next attempt, after `attempts` attempts: base × 2^(attempts−1), capped, then
 * "equal jitter" (half fixed, half random) so retries of a burst spread out yet never come early.
 */
export function retryDelayMs(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** What to do after attempt number `attempts` failed with `error`. */
export function decideRetry(
  error: unknown,
  attempts: number,
  now: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  const code = failureCode(error);
  if (FINAL_CODES.has(code)) return { kind: "dead", reason: code };
  if (attempts >= policy.maxAttempts) return { kind: "dead", reason: `${code} (after ${attempts} attempts)` };
  return { kind: "retry", at: new Date(now.getTime() + retryDelayMs(attempts, policy, random)) };
}
