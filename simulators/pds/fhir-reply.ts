/**
 * Writing Patient API responses: FHIR JSON bodies, Spine errors, and the misbehaviour scenarios
 * ask for (a delay, a truncated body, a reset connection). Keeping it here lets the route
 * handlers say only what to answer, not how.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SpineErrorCode } from "./operation-outcome.ts";
import type { ScenarioAction } from "./scenarios.ts";
import type { SimulatorState } from "./simulator-state.ts";

export const FHIR_JSON = "application/fhir+json";

export interface FhirResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Called when a request ends without any HTTP response, so the request log still sees it. */
export type OnConnectionReset = (request: FastifyRequest) => void;

/** Sends a FHIR JSON response; `truncate` cuts the body in half so it is no longer valid JSON. */
export function sendFhir(reply: FastifyReply, response: FhirResponse, truncate = false): FastifyReply {
  const text = JSON.stringify(response.body);
  reply.code(response.status).type(FHIR_JSON);
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  // A strict prefix of a JSON object can never parse, so half the text is reliably malformed.
  const sent = truncate ? text.slice(0, Math.floor(text.length / 2)) : text;
  // A Buffer keeps Fastify from appending "; charset=utf-8": PDS sends the bare media type.
  return reply.send(Buffer.from(sent, "utf8"));
}

/** The response for a Spine error code, with Retry-After when the error asks callers to wait. */
export function spineError(
  state: SimulatorState,
  code: SpineErrorCode,
  diagnostics?: string,
  retryAfterSeconds?: number,
): FhirResponse {
  const { status, body } = state.errors(code, diagnostics);
  return retryAfterSeconds === undefined
    ? { status, body }
    : { status, body, headers: { "Retry-After": String(retryAfterSeconds) } };
}

/** Waits for a slow scenario, giving up early when the simulator shuts down. */
async function delay(state: SimulatorState, ms: number): Promise<void> {
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, { signal: state.shutdown.signal });
  } catch {
    // Aborted by close(): answer at once rather than hold shutdown up.
  }
}

/**
 * Carries out a scenario's action; `produce` builds the normal answer, called only when the
 * scenario lets the request through (after any delay, so it sees the latest data).
 */
export async function respond(
  state: SimulatorState,
  action: ScenarioAction,
  reply: FastifyReply,
  produce: () => FhirResponse,
  onReset: OnConnectionReset,
): Promise<FastifyReply> {
  switch (action.kind) {
    case "fail":
      return sendFhir(reply, spineError(state, action.code, undefined, action.retryAfterSeconds));
    case "reset-connection":
      onReset(reply.request);
      reply.hijack();
      // A TCP reset, not a clean close: the client sees the connection fail mid-request.
      reply.request.raw.socket.resetAndDestroy();
      return reply;
    case "proceed":
      await delay(state, action.delayMs);
      return sendFhir(reply, produce(), action.truncateBody);
  }
}
