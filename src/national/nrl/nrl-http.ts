/**
 * One HTTP attempt at NRL with the built-in fetch (GET, or POST with a JSON body), the body read
 * within the same time limit, reported as data; never throws.
 */
export interface NrlHttpRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

export type NrlBody =
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly error: unknown };

export type NrlHttpResult =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly retryAfter: string | null;
      readonly body: NrlBody;
    }
  | { readonly kind: "timeout"; readonly error: unknown }
  | { readonly kind: "network"; readonly error: unknown };

function parseJson(text: string): NrlBody {
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

export async function callNrl(request: NrlHttpRequest): Promise<NrlHttpResult> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers:
        request.body === undefined
          ? request.headers
          : { ...request.headers, "Content-Type": "application/json" },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal,
    });
    const text = await response.text();
    return {
      kind: "response",
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body: parseJson(text),
    };
  } catch (error) {
    return signal.aborted ? { kind: "timeout", error } : { kind: "network", error };
  }
}
