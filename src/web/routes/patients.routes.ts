/**
 * Finding and selecting a patient, the patient page, and verification against PDS. Selecting
 * makes a patient context bound to this session and browser tab (the tab id travels in the page's
 * forms and links); every page about a patient is addressed by that context, never by NHS number.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Session } from "../../identity/identity.types.ts";
import type { ReplacementChange, ReplacementRow } from "../../patients/demographics-replacement.ts";
import { formatNhsNumber } from "../../patients/nhs-number.ts";
import { identityDiffers } from "../../patients/patient-comparison.ts";
import { isTabId, newTabId, type PatientContextService } from "../../patients/patient-context.service.ts";
import { displayDeath } from "../../patients/patient-display.ts";
import type { PatientIndexService } from "../../patients/patient-index.service.ts";
import { patientErrors } from "../../patients/patients.errors.ts";
import type { VerificationService } from "../../patients/verification.service.ts";
import type { Clock } from "../../platform/clock.ts";
import { AppError } from "../../platform/errors.ts";
import type { SealedTokens } from "../../platform/sealed-token.ts";
import type { RecordsElsewhereService } from "../../records/records-elsewhere.service.ts";
import { type LaunchPanelDeps, launchPanel } from "../launch-panel.ts";
import { bannerOf, detailRows } from "../patient-view.ts";
import { recordsView } from "../records-elsewhere-view.ts";
import { formatDateTime } from "../view-engine.ts";

export interface PatientRoutesDeps {
  readonly index: PatientIndexService;
  readonly contexts: PatientContextService;
  readonly verification: VerificationService;
  readonly clock: Clock;
  readonly staleAfterSeconds: number;
  readonly launch: LaunchPanelDeps;
  /** Whether a session (an earlier one) belonged to the same user as this one. */
  readonly sameUser: (session: Session, otherSessionId: string) => Promise<boolean>;
  /** Seals a search for its results address. */
  readonly searchTokens: SealedTokens;
  /** "Records held elsewhere" (NRL); absent when NRL is not configured. */
  readonly records?: { readonly service: RecordsElsewhereService; readonly pageWaitMs: number };
}

const clinical = { access: "clinical" as const };
/** How long a results address keeps working (it works only for the sign-in that searched). */
const SEARCH_TOKEN_SECONDS = 3600;
const searchQuery = {
  type: "object",
  properties: {
    q: { type: "string", maxLength: 200 },
    tab: { type: "string", maxLength: 64 },
    search: { type: "string", pattern: "^[A-Za-z0-9_-]{1,600}$" },
  },
} as const;
const idParam = {
  type: "object",
  properties: { ctx: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" } },
  required: ["ctx"],
} as const;
const checkParams = {
  type: "object",
  properties: {
    ctx: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" },
    check: { type: "string", format: "uuid" },
  },
  required: ["ctx", "check"],
} as const;

const NOTICES: Readonly<Record<string, string>> = {
  verified: "NHS number verified with PDS.",
  updated: "NHS number verified with PDS, and the local details replaced with PDS's.",
  mismatch: "Recorded that the local and PDS details do not match. The NHS number stays unverified.",
  rekeyed: "The local record now uses the surviving NHS number. Check its details with PDS next.",
};

/** What a local detail becomes if the user also replaces the local details with PDS's. */
const AFTER_REPLACING: Readonly<Record<ReplacementChange, (row: ReplacementRow) => string>> = {
  same: (row) => `${row.national} (no change)`,
  replaced: (row) => `${row.national} (from PDS)`,
  added: (row) => `${row.national} (added from PDS)`,
  kept: (row) => `${row.local} (kept: PDS holds none)`,
  neither: () => "Not recorded",
  withheld: () => "Not kept (restricted record)",
};

const COMPARISON_TEXT = {
  same: "Same",
  different: "Different",
  only_local: "Only in local record",
  only_national: "Only at PDS",
  neither: "Not recorded",
  restricted: "Restricted",
};

function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw new Error("route requires a session");
  return request.session;
}

/** Problems with what was typed in the search box, shown beside it. */
const SEARCH_ERRORS: ReadonlySet<unknown> = new Set([
  patientErrors.search_invalid,
  patientErrors.search_check_digit,
  patientErrors.search_empty,
]);

export async function patientRoutes(app: FastifyInstance, deps: PatientRoutesDeps): Promise<void> {
  const banner = (patient: Parameters<typeof bannerOf>[0]) =>
    bannerOf(patient, deps.clock.now(), deps.staleAfterSeconds);

  // The search box posts, and the results live at an address holding only a sealed copy of the
  // search: an NHS number typed in never reaches the address bar, browser history or a proxy's log.
  app.post<{ Body: { q?: unknown; tab?: unknown } }>(
    "/patients/search",
    { config: clinical, preHandler: app.csrfProtection },
    async (request, reply) => {
      const tab = isTabId(request.body?.tab) ? request.body.tab : newTabId();
      const query = typeof request.body?.q === "string" ? request.body.q.trim() : "";
      const expiresAt = new Date(deps.clock.now().getTime() + SEARCH_TOKEN_SECONDS * 1000);
      const search = deps.searchTokens.seal(query, sessionOf(request).id, expiresAt);
      return reply.redirect(`/patients?${new URLSearchParams({ tab, search })}`, 303);
    },
  );

  app.get<{ Querystring: { q?: string; tab?: string; search?: string } }>(
    "/patients",
    { config: clinical, schema: { querystring: searchQuery } },
    async (request, reply) => {
      const { tab, search } = request.query;
      // A search written into the address (an old link, a bookmark) is not run: the number it may
      // hold would already be in this browser's history, so it is dropped from the address at once.
      if (!isTabId(tab) || request.query.q !== undefined) {
        return reply.redirect(
          `/patients?${new URLSearchParams({ tab: isTabId(tab) ? tab : newTabId() })}`,
          303,
        );
      }
      const query =
        search === undefined ? "" : deps.searchTokens.open(search, sessionOf(request).id, deps.clock.now());
      let results: Awaited<ReturnType<PatientIndexService["search"]>> = [];
      let searchError: string | null = null;
      // A posted search is always run, even an empty one, so the page can say what was wrong with it.
      if (search !== undefined && query !== undefined) {
        try {
          results = await deps.index.search(query);
        } catch (error) {
          if (!(error instanceof AppError) || !SEARCH_ERRORS.has(error.definition)) throw error;
          searchError = error.definition.message;
          reply.code(400);
        }
      }
      const view = results.map((p) => ({ id: p.id, mrn: p.mrn, banner: banner(p) }));
      return reply.page("patients", {
        query: query ?? "",
        searched: search !== undefined && query !== undefined,
        searchExpired: search !== undefined && query === undefined,
        results: view,
        searchError,
        tabId: tab,
        navigationCurrent: "patients",
      });
    },
  );

  // After signing in again (e.g. from a refused launch), the user confirms the patient before anything happens.
  app.get<{ Params: { id: string } }>(
    "/patients/:id/resume",
    {
      config: clinical,
      schema: {
        params: { type: "object", properties: { id: { type: "string", format: "uuid" } }, required: ["id"] },
      },
    },
    async (request, reply) => {
      const patient = await deps.index.get(request.params.id);
      return reply.page("patient-resume", {
        banner: banner(patient),
        patientId: patient.id,
        tabId: newTabId(),
      });
    },
  );

  app.post<{ Body: { patientId?: string; tab?: string } }>(
    "/patients/select",
    { config: clinical, preHandler: app.csrfProtection },
    async (request, reply) => {
      const patientId = typeof request.body?.patientId === "string" ? request.body.patientId : "";
      const tab = isTabId(request.body?.tab) ? request.body.tab : newTabId();
      const contextId = await deps.contexts.select(sessionOf(request), patientId, tab, request.correlationId);
      return reply.redirect(`/patient-context/${contextId}`, 303);
    },
  );

  app.get<{ Params: { ctx: string }; Querystring: { done?: string; records?: string } }>(
    "/patient-context/:ctx",
    { config: clinical, schema: { params: idParam } },
    async (request, reply) => {
      try {
        return await renderPatient(
          request,
          reply,
          request.params.ctx,
          NOTICES[request.query.done ?? ""] ?? null,
          null,
          request.query.records === "not_refreshed",
        );
      } catch (error) {
        if (!(error instanceof AppError) || error.definition !== patientErrors.context_unknown) throw error;
        // "Continue where you left off": the same user, signed in again, comes back to the patient
        // they had open, through the confirmation step; anyone else is refused as before.
        const session = sessionOf(request);
        const patientId = await deps.contexts.resumable(session, request.params.ctx, (other) =>
          deps.sameUser(session, other),
        );
        if (patientId === null) throw error;
        return reply.redirect(`/patients/${patientId}/resume`, 303);
      }
    },
  );

  async function renderPatient(
    request: FastifyRequest,
    reply: FastifyReply,
    contextId: string,
    notice: string | null,
    pdsError: AppError | null,
    refreshFailed = false,
  ) {
    const session = sessionOf(request);
    const resolved = await deps.contexts.resolve(session, contextId);
    if (resolved.kind === "current") await deps.contexts.keepAlive(resolved.context);
    const patient = resolved.patient;
    const launch =
      resolved.kind === "current"
        ? await launchPanel(deps.launch, request, session, resolved.context, patient)
        : null;
    const records =
      resolved.kind === "current" && deps.records
        ? await deps.records.service.panel(session, patient, {
            correlationId: request.correlationId,
            reason: "page",
            waitMs: deps.records.pageWaitMs,
          })
        : null;
    if (records?.state === "failed")
      request.log.warn({ code: records.error.code, err: records.error.cause }, "NRL search failed");
    return reply.page("patient", {
      launch,
      records: records ? { ...recordsView(records), refreshFailed } : null,
      banner: banner(patient),
      rows: detailRows(patient),
      contextId,
      patientId: patient.id,
      tabId: resolved.context.tabId,
      contextState: resolved.kind,
      currentContextId: resolved.kind === "superseded" ? resolved.currentContextId : null,
      canCheck: patient.nhsNumber.kind === "valid",
      notice,
      pdsError: pdsError ? { ...pdsError.definition } : null,
      correlationId: request.correlationId,
    });
  }

  app.post<{ Params: { ctx: string } }>(
    "/patient-context/:ctx/checks",
    { config: clinical, preHandler: app.csrfProtection, schema: { params: idParam } },
    async (request, reply) => {
      try {
        const checkId = await deps.verification.check(
          sessionOf(request),
          request.params.ctx,
          request.correlationId,
        );
        return reply.redirect(`/patient-context/${request.params.ctx}/checks/${checkId}`, 303);
      } catch (error) {
        // PDS being unavailable is said plainly on the patient's own page, with a retry.
        if (!(error instanceof AppError) || !error.code.startsWith("pds.")) throw error;
        request.log.warn({ code: error.code, err: error.cause }, "check with PDS failed");
        reply.code(error.status);
        return renderPatient(request, reply, request.params.ctx, null, error);
      }
    },
  );

  app.get<{ Params: { ctx: string; check: string } }>(
    "/patient-context/:ctx/checks/:check",
    { config: clinical, schema: { params: checkParams } },
    async (request, reply) => renderCheck(request, reply, null),
  );

  async function renderCheck(
    request: FastifyRequest<{ Params: { ctx: string; check: string } }>,
    reply: FastifyReply,
    formError: string | null,
  ) {
    const { check, patient, rows, replacement, confirmable } = await deps.verification.view(
      sessionOf(request),
      request.params.ctx,
      request.params.check,
    );
    const facts = [];
    if (check.national?.confidentiality && check.national.confidentiality !== "unrestricted")
      facts.push({
        heading: "Restricted record",
        text: "PDS marks this record as restricted: address, phone, email and GP are not shown or kept.",
      });
    if (check.national?.death)
      facts.push({
        heading: "PDS records this patient as deceased",
        text: `Date of death: ${displayDeath(check.national.death)}.`,
      });
    return reply.page("patient-check", {
      banner: banner(patient),
      contextId: request.params.ctx,
      checkId: check.id,
      outcome: check.outcome,
      rows,
      comparisonText: COMPARISON_TEXT,
      identityDiffers: identityDiffers(rows),
      confirmable,
      replacement: replacement.map((row) => ({ ...row, after: AFTER_REPLACING[row.change](row) })),
      nationalFacts: facts,
      decided: check.decision !== null,
      checkedAt: formatDateTime(check.checkedAt),
      pdsVersion: check.national?.versionId ?? null,
      survivingNhsNumber:
        check.outcome === "superseded" && check.national ? formatNhsNumber(check.national.nhsNumber) : null,
      formError,
    });
  }

  app.post<{ Params: { ctx: string; check: string }; Body: { updateLocal?: string | string[] } }>(
    "/patient-context/:ctx/checks/:check/confirm",
    { config: clinical, preHandler: app.csrfProtection, schema: { params: checkParams } },
    async (request, reply) => {
      const updateLocal = [request.body?.updateLocal].flat().includes("yes");
      await deps.verification.confirm(
        sessionOf(request),
        request.params.ctx,
        request.params.check,
        updateLocal,
        request.correlationId,
      );
      return reply.redirect(
        `/patient-context/${request.params.ctx}?done=${updateLocal ? "updated" : "verified"}`,
        303,
      );
    },
  );

  app.post<{ Params: { ctx: string; check: string }; Body: { reason?: string } }>(
    "/patient-context/:ctx/checks/:check/mismatch",
    { config: clinical, preHandler: app.csrfProtection, schema: { params: checkParams } },
    async (request, reply) => {
      try {
        await deps.verification.reject(
          sessionOf(request),
          request.params.ctx,
          request.params.check,
          request.body?.reason,
          request.correlationId,
        );
      } catch (error) {
        if (!(error instanceof AppError) || error.definition !== patientErrors.reason_required) throw error;
        reply.code(400);
        return renderCheck(request, reply, error.definition.message);
      }
      return reply.redirect(`/patient-context/${request.params.ctx}?done=mismatch`, 303);
    },
  );

  app.post<{ Params: { ctx: string; check: string } }>(
    "/patient-context/:ctx/checks/:check/rekey",
    { config: clinical, preHandler: app.csrfProtection, schema: { params: checkParams } },
    async (request, reply) => {
      await deps.verification.rekey(
        sessionOf(request),
        request.params.ctx,
        request.params.check,
        request.correlationId,
      );
      return reply.redirect(`/patient-context/${request.params.ctx}?done=rekeyed`, 303);
    },
  );
}
