/**
 * The audited launch. The "Open in NCRS" form posts the page's launch id to /launch in a named
 * window, so the browser opens NCRS synchronously in the click (pop-up blockers allow that) and
 * without JavaScript. The launch id is the capability: single-use, bound to the session, context and
 * patient, and unguessable, so it also does a CSRF token's job here (and a launch after the
 * session ended still reaches the checks, to be refused, recorded and explained).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { launchErrors } from "../../launch/launch.errors.ts";
import type { LaunchService } from "../../launch/launch.service.ts";
import { BROWSER_OUTCOMES, type BrowserOutcome } from "../../launch/launch.types.ts";
import { AppError } from "../../platform/errors.ts";
import { platformErrors } from "../../platform/platform.errors.ts";
import { StepFailed } from "../../platform/steps.ts";
import type { AnonymousLimit } from "../anonymous-limit.ts";
import { clientOf } from "../client-of.ts";

export interface LaunchRoutesDeps {
  readonly launches: LaunchService;
  /** Presses without a session are all refused: limited per address, so none can flood the trail. */
  readonly anonymous: AnonymousLimit;
  /** Whether launches reuse the one named NCRS tab (see ADR 10). */
  readonly reuseTab: boolean;
}

const LAUNCH_ID = "^[A-Za-z0-9_-]{20,64}$";
const CONTEXT = {
  type: "object",
  properties: { ctx: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" } },
  required: ["ctx"],
} as const;
const REF = {
  type: "object",
  properties: { ref: { type: "string", format: "uuid" } },
  required: ["ref"],
} as const;

export async function launchRoutes(app: FastifyInstance, deps: LaunchRoutesDeps): Promise<void> {
  app.post<{ Body: { launch_id?: string; patient?: string } }>(
    "/launch",
    // No per-address limit for signed-in users: a hospital's clinicians may all reach us from one
    // address, and the launch id is an unguessable, single-use capability. A press without a session
    // is always refused, so those are limited per address.
    {
      config: {
        access: "public",
        csrfExempt:
          "the single-use launch id bound to the session does the CSRF token's job, and a launch after the session ended must still reach the checks to be refused and recorded",
      },
    },
    async (request, reply) => {
      if (!request.session && !deps.anonymous.limiter.hit(request.ip)) {
        deps.anonymous.limited();
        throw new AppError(platformErrors.rate_limited);
      }
      const launchId =
        typeof request.body?.launch_id === "string" && new RegExp(LAUNCH_ID).test(request.body.launch_id)
          ? request.body.launch_id
          : "";
      try {
        const result = await deps.launches.launch({
          launchId,
          session: request.session,
          correlationId: request.correlationId,
          client: clientOf(request),
        });
        request.log.info({ launchRef: result.ref, replay: result.replay }, "launch redirected to NCRS");
        if (deps.reuseTab) reply.header("cross-origin-opener-policy", "unsafe-none");
        return reply.code(302).header("location", result.url).header("referrer-policy", "no-referrer").send();
      } catch (error) {
        if (!(error instanceof StepFailed)) throw error;
        request.log.warn({ code: error.code, step: error.step }, "launch refused");
        // The refusal shows in the NCRS tab: it stays reusable for the next launch.
        if (deps.reuseTab) reply.header("cross-origin-opener-policy", "unsafe-none");
        return refusedPage(request, reply, error);
      }
    },
  );

  app.get<{ Params: { ctx: string } }>(
    "/patient-context/:ctx/launch-id",
    { config: { access: "clinical", json: true }, schema: { params: CONTEXT } },
    async (request) => {
      const session = request.session;
      if (!session) throw new AppError(launchErrors.no_session);
      const issued = await deps.launches.issue(session, request.params.ctx);
      return { launchId: issued.launchId, ref: issued.ref, expiresAt: issued.expiresAt.toISOString() };
    },
  );

  app.get<{ Params: { ref: string } }>(
    "/launch/:ref/presented",
    { config: { access: "signed_in", json: true }, schema: { params: REF } },
    async (request, reply) => {
      const session = request.session;
      if (!session) throw new AppError(launchErrors.no_session);
      const presented = await deps.launches.presented(session, request.params.ref);
      return reply.header("cache-control", "no-store").send({ presented });
    },
  );

  app.post<{ Params: { ref: string }; Body: { outcome?: string } }>(
    "/launch/:ref/browser-outcome",
    { config: { access: "signed_in", json: true }, preHandler: app.csrfProtection, schema: { params: REF } },
    async (request, reply) => {
      const outcome = request.body?.outcome;
      if (!BROWSER_OUTCOMES.includes(outcome as BrowserOutcome))
        throw new AppError(launchErrors.unknown_launch);
      const session = request.session;
      if (!session) throw new AppError(launchErrors.no_session);
      await deps.launches.browserOutcome(
        session,
        request.params.ref,
        outcome as BrowserOutcome,
        request.correlationId,
        clientOf(request),
      );
      return reply.code(204).send();
    },
  );
}

/** The refusal, in the NCRS tab: what happened and what to do next (sign in again, then come back to this patient). */
async function refusedPage(request: FastifyRequest, reply: FastifyReply, error: StepFailed) {
  const patientId = typeof error.details?.["patientId"] === "string" ? error.details["patientId"] : null;
  const definition =
    error.definition === launchErrors.no_session && patientId
      ? {
          ...error.definition,
          action: {
            text: "Log in again",
            href: `/auth/login?${new URLSearchParams({ return_to: `/patients/${patientId}/resume` })}`,
          },
        }
      : error.definition;
  reply.code(error.status).header("cache-control", "no-store");
  if (request.headers.accept?.includes("application/json") && !request.headers.accept.includes("text/html")) {
    return reply.send({
      error: { code: error.code, message: error.definition.message, step: error.step },
      correlationId: request.correlationId,
    });
  }
  return reply.page("error", { error: definition, correlationId: request.correlationId });
}
