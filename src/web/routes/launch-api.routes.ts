/**
 * The HTTP API for other point-of-care systems: `POST /api/v1/launches` runs the same checks and
 * audit as the button and returns the NCRS URL to open, for the user's browser session (cookie and
 * CSRF token) or for a registered system acting for the user (bearer token from /oauth/token); the
 * OpenAPI description is served beside it.
 */
import type { FastifyInstance } from "fastify";
import type { LaunchService } from "../../launch/launch.service.ts";
import { csrfUnless } from "../../platform/http/csrf-routes.ts";
import { StepFailed } from "../../platform/steps.ts";
import { clientOf } from "../client-of.ts";
import { openApiDocument } from "../openapi.ts";

const body = openApiDocument.paths["/launches"].post.requestBody.content["application/json"].schema;

export async function launchApiRoutes(
  app: FastifyInstance,
  deps: { readonly launches: LaunchService },
): Promise<void> {
  app.get("/api/v1/openapi.json", { config: { access: "public", json: true } }, async () => openApiDocument);

  app.post<{ Body: { patientContextId: string; encounterId?: string } }>(
    "/api/v1/launches",
    {
      config: { access: "clinical", json: true, bearer: true },
      // A cookie can be sent by any page the browser has open, so cookie callers prove the page is
      // ours; a bearer token is sent only by the client holding it.
      preHandler: csrfUnless(app, (request) => Boolean(request.apiClientId)),
      schema: { body },
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
        return reply.code(error.status).send({
          error: { code: error.code, message: error.definition.message, step: error.step },
          correlationId: request.correlationId,
        });
      }
    },
  );
}
