/**
 * The signed context launch (docs/adr/0017-signed-context-launch.md). A point-of-care system opens
 * `/context-launch` in its user's browser with a `launch_token` signed by its registered key: by a
 * form post from its page, or in the address (GET) when encrypted to our key, since an address is
 * kept in history and logs and an NHS number must never be readable there. A checked launch is
 * kept server-side under a random id bound to this browser, and the browser goes on to
 * `/context-launch/continue/<id>`: a same-site GET, so our session cookie is sent even after a
 * cross-site post, and the address CIS2 sign-in comes back to when nobody is signed in. There the
 * patient is handed over and the user lands on our patient page (or its confirmation page): NCRS
 * is never opened without the user's click.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ContextLaunchService } from "../../api-access/context-launch.service.ts";
import { sessionErrors } from "../../identity/identity.errors.ts";
import type { Session } from "../../identity/identity.types.ts";
import { permissionsOf, type RolePolicy } from "../../identity/roles.ts";
import type { SessionService } from "../../identity/session.service.ts";
import { AppError } from "../../platform/errors.ts";
import { browserBinding } from "../browser-binding.ts";

export interface ContextLaunchRouteDeps {
  readonly contextLaunch: ContextLaunchService;
  readonly sessions: SessionService;
  readonly rolePolicy: RolePolicy;
  readonly sessionCookie: string;
  readonly secureCookies: boolean;
  /** How long the browser's binding to its waiting launches lasts (as long as a sign-in may take). */
  readonly bindingSeconds: number;
}

const TOKEN = { type: "string", maxLength: 65_536 } as const;
const ID = {
  type: "object",
  properties: { id: { type: "string", format: "uuid" } },
  required: ["id"],
} as const;
const continuePath = (id: string) => `/context-launch/continue/${id}`;
const loginFor = (id: string) => `/auth/login?${new URLSearchParams({ return_to: continuePath(id) })}`;

export async function contextLaunchRoutes(app: FastifyInstance, deps: ContextLaunchRouteDeps): Promise<void> {
  /** This browser's binding: only the browser a launch arrived in can continue it. */
  const bindingOf = browserBinding({
    name: "ncrs_context_launch",
    secureCookies: deps.secureCookies,
    maxAgeSeconds: deps.bindingSeconds,
  });

  async function arrive(request: FastifyRequest, reply: FastifyReply, token: unknown, via: "POST" | "GET") {
    // The token must not travel on in a Referer, nor be kept by a cache.
    reply.header("referrer-policy", "no-referrer").header("cache-control", "no-store");
    const { id } = await deps.contextLaunch.arrive({
      token,
      via,
      session: request.session,
      browser: bindingOf(request, reply),
      address: request.ip,
      correlationId: request.correlationId,
    });
    request.log.info({ via }, "context launch checked; continuing");
    return reply.redirect(continuePath(id), 303);
  }

  app.post<{ Body: { launch_token?: unknown } }>(
    "/context-launch",
    {
      config: {
        access: "public",
        csrfExempt:
          "a point-of-care system's page posts here cross-site by design; the single-use launch token signed by its registered key is the credential, and nothing is done for the session until the same-site continue step",
      },
      schema: { body: { type: "object", properties: { launch_token: TOKEN } } },
    },
    async (request, reply) => arrive(request, reply, request.body?.launch_token, "POST"),
  );

  app.get<{ Querystring: { launch_token?: unknown } }>(
    "/context-launch",
    {
      config: { access: "public" },
      schema: { querystring: { type: "object", properties: { launch_token: TOKEN } } },
    },
    async (request, reply) => arrive(request, reply, request.query.launch_token, "GET"),
  );

  app.get<{ Params: { id: string } }>(
    "/context-launch/continue/:id",
    { config: { access: "public" }, schema: { params: ID } },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const session = request.session;
      if (!session) return reply.redirect(loginFor(request.params.id), 303);
      mayHandOver(session, deps.rolePolicy);
      const id = request.params.id;
      const result = await deps.contextLaunch.continue(
        id,
        bindingOf(request, reply),
        session,
        request.correlationId,
      );
      if (result.kind === "other_user") {
        request.log.warn({ code: "context_launch.other_user" }, "context launch for another user refused");
        return reply.code(403).page("context-launch-other-user", {
          switchAction: `${continuePath(id)}/switch-user`,
          signedInAs: session.user.name,
          code: "context_launch.other_user",
          correlationId: request.correlationId,
        });
      }
      const context = `/patient-context/${result.contextId}`;
      return reply.redirect(
        result.mustConfirm && result.checkId ? `${context}/checks/${result.checkId}` : context,
        303,
      );
    },
  );

  // "Sign in as the right user": this session ends here; CIS2 always asks who is signing in
  // (prompt=login), and the launch, still waiting, carries on for whoever does.
  app.post<{ Params: { id: string } }>(
    "/context-launch/continue/:id/switch-user",
    { config: { access: "signed_in" }, preHandler: app.csrfProtection, schema: { params: ID } },
    async (request, reply) => {
      const session = request.session;
      if (!session) throw new AppError(sessionErrors.required);
      await deps.sessions.end(session, "logout", request.correlationId);
      reply.clearCookie(deps.sessionCookie, { path: "/" });
      return reply.redirect(loginFor(request.params.id), 303);
    },
  );
}

function mayHandOver(session: Session, policy: RolePolicy): void {
  if (!permissionsOf(session.role, policy).clinical) throw new AppError(sessionErrors.forbidden);
}
