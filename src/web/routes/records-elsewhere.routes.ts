/**
 * "Records held elsewhere" on a patient page: the panel alone (fetched by the page when NRL
 * answered after the page was sent), Refresh (asks NRL now) and dismissing "New document
 * available". Addressed by the tab's patient context, never by NHS number; only for the current
 * selection of this session.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Session } from "../../identity/identity.types.ts";
import type { PatientContextService } from "../../patients/patient-context.service.ts";
import { patientErrors } from "../../patients/patients.errors.ts";
import { AppError } from "../../platform/errors.ts";
import type { RecordsElsewhereService } from "../../records/records-elsewhere.service.ts";
import { recordsView } from "../records-elsewhere-view.ts";

export interface RecordsRoutesDeps {
  readonly service: RecordsElsewhereService;
  readonly contexts: Pick<PatientContextService, "resolve">;
}

const clinical = { access: "clinical" as const };
const params = {
  type: "object",
  properties: { ctx: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" } },
  required: ["ctx"],
} as const;

export async function recordsElsewhereRoutes(app: FastifyInstance, deps: RecordsRoutesDeps): Promise<void> {
  async function current(request: FastifyRequest<{ Params: { ctx: string } }>) {
    const session = request.session as Session;
    const resolved = await deps.contexts.resolve(session, request.params.ctx);
    if (resolved.kind !== "current") throw new AppError(patientErrors.context_unknown);
    return { session, patient: resolved.patient };
  }

  app.get<{ Params: { ctx: string } }>(
    "/patient-context/:ctx/records-elsewhere",
    { config: clinical, schema: { params } },
    async (request, reply) => {
      const { session, patient } = await current(request);
      const panel = await deps.service.panel(session, patient, {
        correlationId: request.correlationId,
        reason: "page",
      });
      if (panel.state === "failed")
        request.log.warn({ code: panel.error.code, err: panel.error.cause }, "NRL search failed");
      reply.header("cache-control", "no-store");
      return reply.page("records-elsewhere-fragment", {
        records: recordsView(panel),
        contextId: request.params.ctx,
        correlationId: request.correlationId,
      });
    },
  );

  app.post<{ Params: { ctx: string } }>(
    "/patient-context/:ctx/records-elsewhere/refresh",
    { config: clinical, preHandler: app.csrfProtection, schema: { params } },
    async (request, reply) => {
      const { session, patient } = await current(request);
      const panel = await deps.service.panel(session, patient, {
        correlationId: request.correlationId,
        reason: "refresh",
      });
      const failed =
        panel.state === "failed" ? panel.error : panel.state === "listed" ? panel.staleBecause : null;
      if (failed) request.log.warn({ code: failed.code, err: failed.cause }, "NRL refresh failed");
      // Said on the page the browser comes back to, which may show the list still in the cache.
      const query = failed ? "?records=not_refreshed" : "";
      return reply.redirect(`/patient-context/${request.params.ctx}${query}#records-elsewhere`, 303);
    },
  );

  app.post<{ Params: { ctx: string } }>(
    "/patient-context/:ctx/records-elsewhere/dismiss",
    { config: clinical, preHandler: app.csrfProtection, schema: { params } },
    async (request, reply) => {
      const { session, patient } = await current(request);
      await deps.service.dismiss(session, patient, request.correlationId);
      return reply.redirect(`/patient-context/${request.params.ctx}#records-elsewhere`, 303);
    },
  );
}
