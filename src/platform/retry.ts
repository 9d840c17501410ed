/**
 * Retry timing: exponential backoff with full jitter, and reading a server's `Retry-After`.
 * Full jitter (a uniformly random wait between zero and the exponential cap) spreads the retries
 * of many clients that failed together, so they do not return together and fail again.
 */

export interface BackoffPolicy {
  /** Cap of the first retry's wait; doubles with each further retry. */
  readonly baseDelayMs: number;
  /** No wait is ever longer than this. */
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): uniformly random in
 * [0, min(maxDelayMs, baseDelayMs × 2^(retry − 1))). `random` is injectable for tests.
 */
export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(retry) - 1);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.floor(random() * Math.max(0, cap));
}

/**
 * A `Retry-After` header value as a wait in milliseconds: either delay-seconds (`"5"`) or an HTTP
 * date (`"Wed, 21 Oct 2015 07:28:00 GMT"`, counted from `now`, never negative). Undefined when
 * absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the shapes HTTP allows for a date; Date.parse alone would accept "5 minutes" as a year.
  if (!/^[A-Za-z]{3},? /.test(trimmed) && !/^[A-Za-z]+day, /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
