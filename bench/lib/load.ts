/**
 * HTTP load from this process (autocannon) against a server in another process, so the two do
 * not share an event loop. Both sides of a comparison are measured the same way, one after the
 * other, in the same run.
 */
import autocannon from "autocannon";

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Requests answered in the measured period. */
  readonly requests: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly method?: "GET" | "POST";
  readonly body?: string;
  /** A body made afresh for each request (instead of `body`). */
  readonly bodyFor?: () => string;
  readonly seconds?: number;
  readonly connections?: number;
}

async function once(options: LoadOptions, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: options.url,
    headers: options.headers ?? {},
    ...(options.method ? { method: options.method } : {}),
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.bodyFor
      ? { requests: [{ setupRequest: (request: object) => ({ ...request, body: options.bodyFor?.() }) }] }
      : {}),
    duration: seconds,
    connections: options.connections ?? 16,
    pipelining: 1,
  });
}

/** Warms up for a second, then measures. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  await once(options, 1);
  const r = await once(options, options.seconds ?? 5);
  return {
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    requests: r.requests.total,
  };
}
