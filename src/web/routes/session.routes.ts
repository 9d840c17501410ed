/**
 * The session as open pages follow it: `status` (does not count as activity) and `keep-alive`
 * ("Stay signed in", which does) for the idle timer, both JSON; `events`, a server-sent event
 * stream that says `session-ended` with the reason the moment the page's session ends, wherever it
 * ended; and `/signed-out`, the neutral page a tab shows instead of a patient once it has.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { SessionService } from "../../identity/session.service.ts";
import type { SessionWatch } from "../../identity/session-watch.ts";
import { safeReturnPath } from "../../identity/sign-in.service.ts";
import { signedOutMessage } from "../signed-out-messages.ts";
import { frame, openStream } from "../sse.ts";

export interface SessionRoutesDeps {
  readonly sessions: SessionService;
  readonly watch: SessionWatch;
  readonly idleWarningSeconds: number;
  /** How often an open stream says it is alive (proxies close silent connections). */
  readonly heartbeatMs: number;
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

  // Open streams would hold the server open at shutdown: each is ended first (browsers reconnect).
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const close of [...streams]) close();
  });

  // Listening is not activity: an open page must not keep an idle session alive.
  app.get(
    "/session/events",
    { config: { access: "public", json: true, touch: false } },
    async (request, reply) => {
      const session = request.session;
      if (!session) {
        openStream(reply, 2000);
        reply.raw.end(frame("session-ended", { reason: request.signedOutReason ?? "ended" }));
        return;
      }
      openStream(reply);
      const raw = reply.raw;
      const close = () => {
        streams.delete(close);
        stopWatching();
        clearInterval(heartbeat);
        raw.end();
      };
      const stopWatching = deps.watch.watch(session.id, (reason) => {
        raw.write(frame("session-ended", { reason }));
        close();
      });
      const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), deps.heartbeatMs);
      streams.add(close);
      raw.on("close", close);
    },
  );

  app.get<{ Querystring: { reason?: string; return_to?: string } }>(
    "/signed-out",
    {
      // Like a step of signing in, it is shown as it is to a browser whose session has just ended.
      config: { access: "sign_in" },
      schema: {
        querystring: {
          type: "object",
          properties: {
            reason: { type: "string", maxLength: 40 },
            return_to: { type: "string", maxLength: 500 },
          },
        },
      },
    },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.query.return_to);
      const message = signedOutMessage(request.query.reason) ?? signedOutMessage("ended");
      return reply.page("signed-out", {
        signedOut: message,
        loginHref: `/auth/login${returnTo ? `?${new URLSearchParams({ return_to: returnTo })}` : ""}`,
        // The tab is told the moment its session is replaced, which can be before the new
        // session's cookie has arrived from the other tab's sign-in: "Continue" is offered then too.
        stillSignedIn: request.session !== null || message?.continues === true,
        // This page follows no session: it is what a tab shows once its own has ended.
        idle: null,
        broadcastSignedOut: request.query.reason === "logout",
      });
    },
  );
}
