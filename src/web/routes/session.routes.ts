/**
 * The idle timer's two calls: status (does not count as activity) and keep-alive ("Stay signed
 * in", which does). Both answer JSON.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { SessionService } from "../../identity/session.service.ts";

export interface SessionRoutesDeps {
  readonly sessions: SessionService;
  readonly idleWarningSeconds: number;
}

function status(request: FastifyRequest, idleExpiresAt: Date | null, warningSeconds: number) {
  const session = request.session;
  if (!session || !idleExpiresAt) return { signedIn: false, reason: request.signedOutReason };
  return {
    signedIn: true,
    idleExpiresAt: idleExpiresAt.toISOString(),
    absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
    warningSeconds,
    serverTime: new Date().toISOString(),
  };
}

export async function sessionRoutes(app: FastifyInstance, deps: SessionRoutesDeps): Promise<void> {
  app.get("/session/status", { config: { access: "public", json: true, touch: false } }, async (request) =>
    status(request, request.idleExpiresAt, deps.idleWarningSeconds),
  );

  app.post(
    "/session/keep-alive",
    { config: { access: "signed_in", json: true }, preHandler: app.csrfProtection },
    async (request) => {
      const session = request.session;
      const idleExpiresAt = session ? await deps.sessions.touch(session, true) : null;
      return status(request, idleExpiresAt, deps.idleWarningSeconds);
    },
  );
}
