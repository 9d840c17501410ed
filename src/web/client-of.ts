/** The client of a request as the domain records it (address after trusted-proxy handling, browser). */
import type { FastifyRequest } from "fastify";
import { type ClientInfo, clientInfo } from "../platform/client-info.ts";

export function clientOf(request: FastifyRequest): ClientInfo {
  return clientInfo(request.ip, request.headers["user-agent"], request.callerCorrelationId);
}
