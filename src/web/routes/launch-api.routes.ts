/**
 * The HTTP API for other point-of-care systems: `POST /api/v1/launches` runs the same checks and
 * audit as the button and returns the NCRS URL to open, for the user's browser session (cookie and
 * CSRF token) or for a registered system acting for the user (bearer token from /oauth/token). Its
 * schemas are the source of the OpenAPI description (plugins/openapi.plugin.ts).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { apiAccessErrors } from "../../api-access/api-access.errors.ts";
import { sessionErrors } from "../../identity/identity.errors.ts";
import { launchErrors } from "../../launch/launch.errors.ts";
import type { LaunchService } from "../../launch/launch.service.ts";
import { csrfUnless } from "../../platform/http/csrf-routes.ts";
import { platformErrors } from "../../platform/platform.errors.ts";
import { StepFailed } from "../../platform/steps.ts";
import { clientOf } from "../client-of.ts";
import { type ErrorStatus, errorResponses } from "../openapi.ts";

const LaunchRequest = Type.Object(
  {
    patientContextId: Type.String({
      pattern: "^[A-Za-z0-9_-]{16,64}$",
      description: "The patient context made when the user selected the patient",
    }),
    encounterId: Type.Optional(
      Type.String({
        maxLength: 64,
        pattern: "^[A-Za-z0-9._:-]+$",
        description: "Optional encounter reference recorded with the launch",
      }),
    ),
  },
  { additionalProperties: false },
);

const Launched = Type.Object(
  {
    launchUrl: Type.String({ format: "uri", description: "The NCRS deep link to open in a new tab" }),
    launchRef: Type.String({ format: "uuid", description: "The launch's reference in the audit trail" }),
  },
  { description: "Launch recorded; open `launchUrl` in a new tab" },
);

export async function launchApiRoutes(
  app: FastifyInstance,
  deps: { readonly launches: LaunchService },
): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    "/api/v1/launches",
    {
      config: { access: "clinical", json: true, bearer: true },
      // A cookie can be sent by any page the browser has open, so cookie callers prove the page is
      // ours; a bearer token is sent only by the client holding it.
      preHandler: csrfUnless(app, (request) => Boolean(request.apiClientId)),
      schema: {
        operationId: "createLaunch",
        summary: "Check and record a launch; get the NCRS URL to open",
        description:
          "Runs every launch check (session, role, current patient context for this session and tab, verified NHS number, not a duplicate), durably audits the launch, and returns the NCRS deep link to open in a new tab. Any failed check returns an error with the check's code (and `step`) and is audited too.",
        tags: ["Launch"],
        body: LaunchRequest,
        response: {
          201: Launched,
          ...errorResponses(
            platformErrors.invalid,
            sessionErrors.required,
            apiAccessErrors.token_invalid,
            launchErrors.no_session,
            sessionErrors.forbidden,
            platformErrors.csrf_invalid,
            launchErrors.role,
            launchErrors.unknown_launch,
            launchErrors.stale_context,
            launchErrors.unverified,
            launchErrors.invalid_nhs_number,
            launchErrors.duplicate,
            platformErrors.body_too_large,
            platformErrors.unsupported_media_type,
            launchErrors.misconfigured,
          ),
        },
      },
    },
    async (request, reply) => {
      const session = request.session;
      if (!session) throw new Error("route requires a session");
      try {
        const result = await deps.launches.launchNow(
          session,
          request.body.patientContextId,
          request.body.encounterId ?? null,
          request.correlationId,
          clientOf(request),
          request.apiClientId,
        );
        return reply.code(201).send({ launchUrl: result.url, launchRef: result.ref });
      } catch (error) {
        if (!(error instanceof StepFailed)) throw error;
        return reply.code(error.status as ErrorStatus).send({
          error: { code: error.code, message: error.definition.message, step: error.step },
          correlationId: request.correlationId,
        });
      }
    },
  );
}
