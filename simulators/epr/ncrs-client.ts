/**
 * The EPR back end's one way of talking to NCRS Connect: a fetch with a time limit that records
 * the call (without credentials) in the call log and never throws for a network failure or a
 * body that is not JSON, so each page can say plainly what went wrong.
 */
import type { EprKit } from "./epr-kit.ts";

const TIMEOUT_MS = 10_000;

export interface NcrsAnswer {
  /** 0 when NCRS Connect could not be reached. */
  status: number;
  body: unknown;
  /** The network error, when status is 0. */
  failure?: string;
}

export interface NcrsRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** What the call log shows as the request (never credentials). */
  logged?: unknown;
  /** Leave the answer out of the log (it holds a token). */
  hideAnswer?: boolean;
}

export async function callNcrs(kit: EprKit, request: NcrsRequest): Promise<NcrsAnswer> {
  const url = `${kit.ncrsConnectUrl}${request.path}`;
  let answer: NcrsAnswer;
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: { accept: "application/json", ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: kept as text so the page and the log can show it.
    }
    answer = { status: response.status, body };
  } catch (error) {
    answer = { status: 0, body: undefined, failure: error instanceof Error ? error.message : String(error) };
  }
  kit.calls.add({
    method: request.method,
    path: request.path,
    ...(request.logged === undefined ? {} : { request: request.logged }),
    status: answer.status,
    response:
      request.hideAnswer && answer.status !== 0 ? "(hidden: holds a token)" : (answer.body ?? answer.failure),
  });
  if (answer.status === 0) kit.log(`epr-sim: ${request.method} ${url} failed: ${answer.failure}`);
  return answer;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
