/**
 * One HTTP attempt at PDS with the built-in fetch: sends the request, reads and parses the body
 * within the same time limit, and reports what happened as data — a response, a time-out or a
 * network failure — so the caller decides about retries without catching fetch's errors itself.
 */

export interface PdsHttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Covers the whole attempt: connecting, waiting for the answer and reading its body. */
  readonly timeoutMs: number;
}

/** The body as JSON, or why it could not be read as JSON (kept as the error's cause). */
export type PdsBody =
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly error: unknown };

export type PdsHttpResult =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly retryAfter: string | null;
      readonly body: PdsBody;
    }
  | { readonly kind: "timeout"; readonly error: unknown }
  | { readonly kind: "network"; readonly error: unknown };

function parseJson(text: string): PdsBody {
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Performs one GET; never throws. */
export async function getFromPds(request: PdsHttpRequest): Promise<PdsHttpResult> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, { method: "GET", headers: request.headers, signal });
    const text = await response.text();
    return {
      kind: "response",
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body: parseJson(text),
    };
  } catch (error) {
    // The signal says whether our time limit ended the attempt, whatever shape the error takes.
    return signal.aborted ? { kind: "timeout", error } : { kind: "network", error };
  }
}
