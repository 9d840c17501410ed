/**
 * Request and correlation ids. Ours are always our own: a caller choosing them could put its
 * requests into another user's journey (the audit timeline is found by correlation id). A caller's
 * sane `X-Correlation-ID` is kept beside ours as the caller's correlation id: it goes on every log
 * line and into the records of sign-ins and launches, and is echoed back, so a supplier can still
 * find its own call. Our correlation id is echoed on the response and passed to every outbound call.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = "x-request-id";
export const CORRELATION_ID_HEADER = "x-correlation-id";
export const CALLER_CORRELATION_ID_HEADER = "x-caller-correlation-id";

/** Fastify `genReqId`: a new UUID for every request; also the request's correlation id. */
export function requestIdFor(_req: IncomingMessage): string {
  return randomUUID();
}

/** The caller's X-Correlation-ID when it is a sane token, else null. */
export function callerCorrelationIdOf(req: IncomingMessage): string | null {
  const value = req.headers[CORRELATION_ID_HEADER];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && SAFE_ID.test(first) ? first : null;
}
