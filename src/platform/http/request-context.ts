/**
 * Puts the request and correlation ids on the request, on the response headers and on every log
 * line of the request (through Fastify's child-logger factory).
 */
import {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import {
  CALLER_CORRELATION_ID_HEADER,
  CORRELATION_ID_HEADER,
  callerCorrelationIdOf,
  REQUEST_ID_HEADER,
  requestIdFor,
} from "./request-ids.ts";
import { recordRoutes } from "./route-table.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Ours (the request id): what the audit trail's journey timeline is found by. */
    correlationId: string;
    /** The caller's own X-Correlation-ID, when it sent a sane one; never used as ours. */
    callerCorrelationId: string | null;
  }
  interface FastifyContextConfig {
    /** Errors from this route are answered as JSON even to browsers. */
    json?: boolean;
  }
}

/**
 * One access-log line per request, written when it completes (method, path, parameter names,
 * route, status, time):
 * everything support needs, at half the cost of Fastify's default pair of lines.
 */
class AccessLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const query = request.url.indexOf("?");
    const entry = {
      method: request.method,
      // The path alone: query strings carry credentials (an authorization code, a state) and, in
      // links from elsewhere, patient details. Their parameter names are enough to support anyone.
      url: query === -1 ? request.url : request.url.slice(0, query),
      ...(query === -1 ? {} : { params: parameterNames(request.url.slice(query + 1)) }),
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...entry, err: error }, "request errored");
    else reply.log.info(entry, "request completed");
  }
}

/** The names of a query string's parameters, once each, in order (values are never kept). */
export function parameterNames(query: string): string[] {
  const names = new Set<string>();
  for (const pair of query.split("&")) {
    const name = pair.split("=", 1)[0] ?? "";
    if (name !== "") names.add(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    if (names.size === 20) break;
  }
  return [...names];
}

/** Server options that make Fastify take ids from the caller and log them on every line. */
export const requestIdServerOptions: Pick<
  FastifyServerOptions,
  "genReqId" | "logController" | "childLoggerFactory"
> = {
  genReqId: requestIdFor,
  logController: new AccessLogController({ requestIdLogLabel: "requestId" }),
  childLoggerFactory(logger, bindings, options, rawRequest) {
    const correlationId = String(bindings["requestId"] ?? "");
    const caller = callerCorrelationIdOf(rawRequest as Parameters<typeof callerCorrelationIdOf>[0]);
    return logger.child(
      { ...bindings, correlationId, ...(caller === null ? {} : { callerCorrelationId: caller }) },
      options,
    );
  },
};

export function registerRequestContext(app: FastifyInstance): void {
  recordRoutes(app);
  app.decorateRequest("correlationId", "");
  app.decorateRequest("callerCorrelationId", null);
  app.addHook("onRequest", async (request, reply) => {
    request.correlationId = request.id;
    request.callerCorrelationId = callerCorrelationIdOf(request.raw);
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.header(CORRELATION_ID_HEADER, request.correlationId);
    if (request.callerCorrelationId !== null)
      reply.header(CALLER_CORRELATION_ID_HEADER, request.callerCorrelationId);
  });
}
