/** Administrators register this browser as a named workstation, list and revoke workstations. */
import type { FastifyInstance } from "fastify";
import type { WorkstationService } from "../../identity/workstation.service.ts";
import type { CookieNames } from "../session-context.ts";
import { PROFILE_NAMES } from "./start.routes.ts";

export interface WorkstationRoutesDeps {
  readonly workstations: WorkstationService;
  readonly cookies: CookieNames;
  readonly secureCookies: boolean;
}

/** Browsers cap cookie lifetime at 400 days. */
const DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600;

export async function workstationRoutes(app: FastifyInstance, deps: WorkstationRoutesDeps): Promise<void> {
  const admin = { config: { access: "admin" as const } };

  app.get<{ Querystring: { registered?: string } }>("/admin/workstations", admin, async (request, reply) => {
    const [list, device] = await Promise.all([
      deps.workstations.list(),
      deps.workstations.identify(request.cookies[deps.cookies.device]),
    ]);
    const thisBrowser = device.workstation
      ? `${device.workstation.name} (${PROFILE_NAMES[device.profile]})`
      : "Not registered (treated as a shared workstation)";
    const registered = list.find((w) => w.id === request.query.registered)?.name;
    return reply.page("workstations", {
      workstations: list,
      profiles: PROFILE_NAMES,
      thisBrowser,
      registered,
    });
  });

  app.post<{ Body: { name?: unknown; profile?: unknown } }>(
    "/admin/workstations",
    { ...admin, preHandler: app.csrfProtection },
    async (request, reply) => {
      const session = request.session;
      if (!session) return reply.redirect("/", 303);
      const { token, workstation } = await deps.workstations.register(
        request.body ?? {},
        session,
        request.correlationId,
      );
      reply.setCookie(deps.cookies.device, token, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: deps.secureCookies,
        maxAge: DEVICE_COOKIE_MAX_AGE,
      });
      return reply.redirect(`/admin/workstations?registered=${encodeURIComponent(workstation.id)}`, 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/admin/workstations/:id/revoke",
    {
      ...admin,
      preHandler: app.csrfProtection,
      schema: {
        params: { type: "object", properties: { id: { type: "string", format: "uuid" } }, required: ["id"] },
      },
    },
    async (request, reply) => {
      const session = request.session;
      if (!session) return reply.redirect("/", 303);
      await deps.workstations.revoke(request.params.id, session, request.correlationId);
      return reply.redirect("/admin/workstations", 303);
    },
  );
}
