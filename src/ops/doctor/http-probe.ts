/**
 * The doctor's HTTP GET: an answer (status, headers, body parsed as JSON when it is JSON) or why
 * there was none, in words an operator can act on (name not found, connection refused, TLS
 * certificate, time-out). URLs are shown without credentials or query.
 */

export type Probe =
  | {
      readonly ok: true;
      readonly status: number;
      readonly contentType: string;
      readonly json: unknown;
    }
  | { readonly ok: false; readonly problem: string };

/** A URL as it may be printed: origin and path, no user info, query or fragment. */
export function printable(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

function networkProblem(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return "no answer in time";
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host name not found (DNS)";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET") return "connection reset";
  if (/CERT|SSL|TLS|SELF_SIGNED/.test(code)) return `TLS certificate problem (${code})`;
  return `could not connect${code ? ` (${code})` : ""}`;
}

export async function probe(
  url: string,
  options: {
    readonly timeoutMs: number;
    readonly headers?: Record<string, string>;
    readonly method?: string;
  },
): Promise<Probe> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? "GET",
      headers: options.headers ?? {},
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    return { ok: false, problem: networkProblem(error) };
  }
  const contentType = response.headers.get("content-type") ?? "";
  const text = await response.text().catch(() => "");
  let json: unknown = null;
  if (/json/.test(contentType)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { ok: true, status: response.status, contentType, json };
}
