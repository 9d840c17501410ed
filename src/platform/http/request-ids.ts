/**
 * Request and correlation ids. A caller's `X-Request-ID` / `X-Correlation-ID` is kept when it is
 * a sane token, otherwise we make one; both are echoed on the response, put on every log line and
 * passed to every outbound call, so one id follows a click through every service.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = "x-request-id";
export const CORRELATION_ID_HEADER = "x-correlation-id";

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && SAFE_ID.test(first) ? first : undefined;
}

/** Fastify `genReqId`: the caller's X-Request-ID when sane, otherwise a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  return headerValue(req, REQUEST_ID_HEADER) ?? randomUUID();
}

/** The caller's X-Correlation-ID when sane, otherwise the request id. */
export function correlationIdFor(req: IncomingMessage, requestId: string): string {
  return headerValue(req, CORRELATION_ID_HEADER) ?? requestId;
}
