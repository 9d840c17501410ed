/**
 * SMART on FHIR EHR launch (docs/adr/0018-smart-on-fhir-ehr-launch.md). An EHR opens
 * `/smart/launch?iss&launch` in its user's browser; we send the browser to the EHR's authorization
 * endpoint, and its answer comes back to `/smart/callback` (the redirect URI an EHR registers).
 * There the patient is read from the EHR and kept sealed for this browser; a signed-in user goes
 * straight on, and a signed-out one signs in with CIS2 and comes back to `/smart/continue/<id>`.
 * Then the patient is handed over and the user lands on our patient page (or its confirmation page): NCRS is
 * never opened without the user's click.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SmartLaunchService } from "../../api-access/smart-launch.service.ts";
import { sessionErrors } from "../../identity/identity.errors.ts";
import type { Session } from "../../identity/identity.types.ts";
import { permissionsOf, type RolePolicy } from "../../identity/roles.ts";
import type { SessionService } from "../../identity/session.service.ts";
import { AppError } from "../../platform/errors.ts";
import { browserBinding } from "../browser-binding.ts";

export interface SmartLaunchRouteDeps {
  readonly smartLaunch: SmartLaunchService;
  readonly sessions: SessionService;
  readonly rolePolicy: RolePolicy;
  readonly sessionCookie: string;
  readonly secureCookies: boolean;
  /** How long the browser's binding to its waiting launches lasts. */
  readonly bindingSeconds: number;
}

const PARAMETER = { type: "string", maxLength: 4096 } as const;
const ID = {
  type: "object",
  properties: { id: { type: "string", format: "uuid" } },
  required: ["id"],
} as const;
const continuePath = (id: string) => `/smart/continue/${id}`;
const loginFor = (id: string) => `/auth/login?${new URLSearchParams({ return_to: continuePath(id) })}`;

export async function smartLaunchRoutes(app: FastifyInstance, deps: SmartLaunchRouteDeps): Promise<void> {
  const bindingOf = browserBinding({
    name: "ncrs_smart_launch",
    secureCookies: deps.secureCookies,
    maxAgeSeconds: deps.bindingSeconds,
  });
  const arrival = (request: FastifyRequest, browser: string) => ({
    session: request.session,
    browser,
    address: request.ip,
    correlationId: request.correlationId,
  });

  app.get<{ Querystring: { iss?: string; launch?: string } }>(
    "/smart/launch",
    {
      config: { access: "public" },
      schema: { querystring: { type: "object", properties: { iss: PARAMETER, launch: PARAMETER } } },
    },
    async (request, reply) => {
      reply.header("referrer-policy", "no-referrer").header("cache-control", "no-store");
      const browser = bindingOf(request, reply);
      const url = await deps.smartLaunch.begin(
        arrival(request, browser),
        request.query.iss,
        request.query.launch,
      );
      request.log.info({ step: "launch" }, "SMART launch: sending the browser to the EHR to be authorized");
      return reply.redirect(url.href, 303);
    },
  );

  /** A read launch for the signed-in user: to the patient page, its confirmation page, or "another user". */
  async function carryOn(request: FastifyRequest, reply: FastifyReply, id: string, session: Session) {
    if (!permissionsOf(session.role, deps.rolePolicy).clinical) throw new AppError(sessionErrors.forbidden);
    const result = await deps.smartLaunch.continue(
      id,
      bindingOf(request, reply),
      session,
      request.correlationId,
    );
    if (result.kind === "other_user") {
      request.log.warn({ code: "smart_launch.other_user" }, "SMART launch for another user refused");
      return reply.code(403).page("context-launch-other-user", {
        switchAction: `${continuePath(id)}/switch-user`,
        signedInAs: session.user.name,
        code: "smart_launch.other_user",
        correlationId: request.correlationId,
      });
    }
    const context = `/patient-context/${result.contextId}`;
    return reply.redirect(
      result.mustConfirm && result.checkId ? `${context}/checks/${result.checkId}` : context,
      303,
    );
  }

  app.get("/smart/callback", { config: { access: "public" } }, async (request, reply) => {
    // The code must not travel on in a Referer, nor be kept by a cache.
    reply.header("referrer-policy", "no-referrer").header("cache-control", "no-store");
    const answer = new URL(request.url, "http://callback.invalid").searchParams;
    const { id } = await deps.smartLaunch.callback(arrival(request, bindingOf(request, reply)), answer);
    request.log.info({ step: "callback" }, "SMART launch: patient read from the EHR; continuing");
    // Signed in already: straight on, without another hop. Otherwise CIS2 sign-in comes back to continue.
    const session = request.session;
    return session ? carryOn(request, reply, id, session) : reply.redirect(loginFor(id), 303);
  });

  app.get<{ Params: { id: string } }>(
    "/smart/continue/:id",
    { config: { access: "public" }, schema: { params: ID } },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const session = request.session;
      if (!session) return reply.redirect(loginFor(request.params.id), 303);
      return carryOn(request, reply, request.params.id, session);
    },
  );

  // "Sign in as the right user": this session ends; CIS2 always asks who is signing in, and the
  // launch, still waiting, carries on for whoever does (and is checked against them).
  app.post<{ Params: { id: string } }>(
    "/smart/continue/:id/switch-user",
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
