/**
 * Live notifications for an open patient page, as server-sent events:
 * `GET /patient-context/:ctx/notifications`. The stream belongs to the session and the patient
 * context the page was opened in (the URL names the context, never an NHS number), so a page can
 * hear only about its own patient, and only while its session lives: every heartbeat and every
 * notification re-checks both, and the stream ends when either is gone. Roles that are not
 * notified get 204, which tells the browser not to reconnect.
 */
import type { ServerResponse } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { NotificationHub } from "../../events/notification-hub.ts";
import {
  type NotificationPolicy,
  type PatientNotification,
  roleIsNotified,
} from "../../events/notification-policy.ts";
import type { Session } from "../../identity/identity.types.ts";
import { permissionsOf, type RolePolicy } from "../../identity/roles.ts";
import type { SessionService } from "../../identity/session.service.ts";
import type { PatientContextService } from "../../patients/patient-context.service.ts";
import type { NewDocumentHub, NewDocuments } from "../../records/new-document-hub.ts";
import type { RecordsElsewhereService } from "../../records/records-elsewhere.service.ts";
import type { CookieNames } from "../session-context.ts";
import { frame, openStream } from "../sse.ts";

export interface NotificationRoutesDeps {
  readonly hub: NotificationHub;
  readonly contexts: Pick<PatientContextService, "resolve">;
  readonly sessions: Pick<SessionService, "resolve">;
  readonly cookies: CookieNames;
  readonly rolePolicy: RolePolicy;
  readonly policy: NotificationPolicy;
  readonly heartbeatMs: number;
  /** "New document available" found by another tab's look at NRL, for this viewer and role. */
  readonly records?: { readonly hub: NewDocumentHub; readonly service: RecordsElsewhereService };
}

const ctxParams = {
  type: "object",
  properties: { ctx: { type: "string", pattern: "^[A-Za-z0-9_-]{16,64}$" } },
  required: ["ctx"],
} as const;

/** `GET /patient-context/:ctx/notifications`: the server-sent event stream of one open patient page. */
export async function notificationRoutes(app: FastifyInstance, deps: NotificationRoutesDeps): Promise<void> {
  // Open streams would hold the server open at shutdown: each is ended first (browsers reconnect).
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of [...streams]) end();
  });

  /** Whether the stream may go on: same session still active, context still this tab's current one. */
  async function stillValid(request: FastifyRequest, session: Session, contextId: string): Promise<boolean> {
    try {
      const resolved = await deps.sessions.resolve(
        request.cookies[deps.cookies.session],
        request.correlationId,
      );
      if (resolved.kind !== "active" || resolved.session.id !== session.id) return false;
      return (await deps.contexts.resolve(resolved.session, contextId)).kind === "current";
    } catch {
      return false;
    }
  }

  app.get<{ Params: { ctx: string } }>(
    "/patient-context/:ctx/notifications",
    // Listening is not activity: an open page must not keep an idle session alive.
    { config: { access: "clinical", touch: false, json: true }, schema: { params: ctxParams } },
    async (request, reply) => {
      const session = request.session as Session;
      const resolved = await deps.contexts.resolve(session, request.params.ctx);
      const clinical = permissionsOf(session.role, deps.rolePolicy).clinical;
      if (resolved.kind !== "current" || !roleIsNotified(session.role, clinical, deps.policy))
        return reply.code(204).send();
      openStream(reply);
      const raw = reply.raw;
      const contextId = request.params.ctx;
      let live = true;
      const close = () => {
        if (!live) return;
        live = false;
        streams.delete(end);
        unsubscribe();
        unsubscribeRecords();
        clearInterval(heartbeat);
        raw.end();
      };
      const end = () => {
        if (live) raw.write(frame("end", {}));
        close();
      };
      const unsubscribe = deps.hub.subscribe(resolved.patient.id, (notifications) => {
        void deliver(raw, notifications, () => stillValid(request, session, contextId), end);
      });
      const unsubscribeRecords = deps.records
        ? subscribeRecords(deps.records, session, resolved.patient.id, raw, () => live)
        : () => {};
      const heartbeat = setInterval(() => {
        void stillValid(request, session, contextId).then((ok) =>
          ok && live ? raw.write(": keep-alive\n\n") : end(),
        );
      }, deps.heartbeatMs);
      streams.add(end);
      raw.on("close", close);
    },
  );
}

async function deliver(
  raw: ServerResponse,
  notifications: readonly PatientNotification[],
  valid: () => Promise<boolean>,
  end: () => void,
): Promise<void> {
  if (!(await valid())) return end();
  for (const n of notifications)
    raw.write(frame("patient-change", { id: n.id, kind: n.kind, title: n.title, text: n.text }));
}

/** Passes on news of records held elsewhere that are new to this viewer, of types this role sees. */
function subscribeRecords(
  records: NonNullable<NotificationRoutesDeps["records"]>,
  session: Session,
  patientId: string,
  raw: ServerResponse,
  live: () => boolean,
): () => void {
  const scope = records.service.scopeOf(session);
  return records.hub.subscribe(patientId, (news: NewDocuments) => {
    if (!live() || news.scope !== scope) return;
    const pointers = news.pointers.filter((p) => records.service.visibleTo(session, p.typeCode));
    if (pointers.length === 0) return;
    raw.write(
      frame("records-new", {
        pointers: pointers.map((p) => ({ id: p.pointerId, type: p.typeDisplay, custodian: p.custodian })),
        source:
          "Where this came from: the National Record Locator (NRL), which lists documents other organisations hold. The document opens in NCRS.",
      }),
    );
  });
}
