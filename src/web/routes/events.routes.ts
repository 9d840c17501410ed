/**
 * National change events over HTTP: the signed intake endpoint MNS delivers to, and the admin page
 * and API to inspect the inbox and replay events. Handlers are thin: the intake adapter and the
 * admin service do the work.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { EVENT_STATUSES, type EventStatus } from "../../events/event.types.ts";
import { type EventAdminService, type EventQuery, PAGE_SIZE } from "../../events/event-admin.service.ts";
import { eventErrors } from "../../events/events.errors.ts";
import type { ReplaySelection } from "../../events/events.ports.ts";
import { actorOf } from "../../identity/session.service.ts";
import { type MnsHttpIntake, SIGNATURE_HEADER } from "../../national/mns/http-intake.ts";
import { AppError } from "../../platform/errors.ts";
import { platformErrors } from "../../platform/platform.errors.ts";
import type { AnonymousLimit } from "../anonymous-limit.ts";
import {
  cursorOf,
  eventFacts,
  eventRow,
  parseCursor,
  parseUkDateTime,
  STATUS_NAMES,
  TYPE_NAMES,
} from "../event-view.ts";
import {
  detailSchema,
  intakeSchema,
  ListBody,
  listSchema,
  replaySchema,
  searchSchema,
} from "./events.schemas.ts";

export const INTAKE_PATH = "/api/v1/events/mns";

export interface EventIntakeRoutesDeps {
  readonly intake: MnsHttpIntake;
  /** Largest event body accepted. */
  readonly bodyLimitBytes: number;
  /** Deliveries whose signature fails, limited per address (an address past it gets 429 for the minute). */
  readonly unsigned: AnonymousLimit;
}

/**
 * `POST /api/v1/events/mns`. Registered as its own plugin: inside it every content type is read as
 * raw bytes (the signature covers the body exactly as sent), without touching parsing elsewhere.
 */
export async function eventIntakeRoutes(app: FastifyInstance, deps: EventIntakeRoutesDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "*",
    { parseAs: "buffer", bodyLimit: deps.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );
  const intake = {
    access: "public" as const,
    json: true,
    csrfExempt: "MNS delivers server to server, each event signed (X-MNS-Signature); no cookie is read",
  };
  // The signature covers the bytes as sent, so the schema only describes the body; the intake
  // adapter reads and checks it, and answers with its own codes.
  const described = () => () => true;
  app.post(
    INTAKE_PATH,
    { config: intake, schema: intakeSchema, validatorCompiler: described },
    async (request, reply) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      if (deps.unsigned.limiter.exceeded(request.ip)) {
        deps.unsigned.limited();
        throw new AppError(platformErrors.rate_limited);
      }
      const result = await deps.intake
        .receive({
          signature: header(SIGNATURE_HEADER),
          contentType: header("content-type"),
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          correlationId: request.correlationId,
        })
        .catch((error: unknown) => {
          if (error instanceof AppError && error.code.startsWith("events.signature"))
            deps.unsigned.limiter.hit(request.ip);
          throw error;
        });
      const common = { eventId: result.signal.externalId, correlationId: request.correlationId };
      if (result.kind === "duplicate") return reply.code(200).send({ status: "duplicate", ...common });
      return reply.code(202).send({ status: "accepted", id: result.inboxId, ...common });
    },
  );
}

export interface EventAdminRoutesDeps {
  readonly admin: EventAdminService;
}

interface ListQuery {
  status?: string;
  type?: string;
  nhs?: string;
  before?: string;
}

function queryOf(q: ListQuery): EventQuery {
  const status = EVENT_STATUSES.includes(q.status as EventStatus) ? (q.status as EventStatus) : undefined;
  const before = parseCursor(q.before);
  const nhs = q.nhs?.trim();
  return {
    ...(status ? { status } : {}),
    ...(q.type && TYPE_NAMES[q.type] ? { type: q.type } : {}),
    ...(nhs ? { nhsNumber: nhs } : {}),
    ...(before ? { before } : {}),
  };
}

/** What a replay form or API body asks for. */
function selectionOf(body: Record<string, unknown>): ReplaySelection {
  const scope = body["scope"];
  if (scope === "dead") return { kind: "dead" };
  if (scope === "all" && body["confirm"] === "yes") return { kind: "all" };
  if (scope === "range") {
    const read = (v: unknown) =>
      typeof v === "string"
        ? (parseUkDateTime(v) ?? (Number.isNaN(Date.parse(v)) ? undefined : new Date(v)))
        : undefined;
    const from = read(body["from"]);
    const to = read(body["to"]);
    if (from && to) return { kind: "range", from, to };
  }
  throw new AppError(eventErrors.replay_invalid);
}

const idParams = {
  type: "object",
  properties: { id: { type: "string", format: "uuid" } },
  required: ["id"],
} as const;

/**
 * The admin page (`/admin/events`, `/admin/events/:id`, replay forms with CSRF) and its JSON API
 * (`/api/v1/admin/events…`, CSRF token in a header for changes); administrators only.
 */
export async function eventAdminRoutes(app: FastifyInstance, deps: EventAdminRoutesDeps): Promise<void> {
  const admin = { access: "admin" as const };
  const actor = (request: FastifyRequest) => {
    if (!request.session) throw new Error("route requires a session");
    return actorOf(request.session);
  };

  /**
   * The list. Status, type and paging may be in the link; an NHS number comes only in a POSTed
   * search (then "Older events" is a form too), so it never reaches a URL, history or access log.
   */
  const listPage = async (reply: FastifyReply, q: ListQuery, replayed: number | null) => {
    const query = queryOf(q);
    const [summary, rows] = await Promise.all([deps.admin.summary(), deps.admin.list(query)]);
    const last = rows.at(-1);
    const nhs = q.nhs?.trim() ?? "";
    const older = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(last ? { before: cursorOf(last.event) } : {}),
    };
    const options = (names: Readonly<Record<string, string>>, any: string, chosen: string | undefined) => [
      { value: "", text: any },
      ...Object.entries(names).map(([value, text]) => ({ value, text, selected: value === chosen })),
    ];
    const more = rows.length >= PAGE_SIZE;
    return reply.page("events-list", {
      summary,
      statusItems: options(STATUS_NAMES, "Any status", query.status),
      typeItems: options(TYPE_NAMES, "Any type", query.type),
      filters: { nhs },
      rows: rows.map((r) => eventRow(r.event, r.nhsNumber)),
      nextPage: more && !nhs ? `/admin/events?${new URLSearchParams(older)}` : null,
      nextSearch: more && nhs ? { ...older, nhs } : null,
      replayedText:
        replayed === null
          ? null
          : `${replayed} event${replayed === 1 ? "" : "s"} queued for processing again.`,
    });
  };

  app.get<{ Querystring: ListQuery & { replayed?: string } }>(
    "/admin/events",
    { config: admin },
    async (request, reply) => {
      if (request.query.nhs !== undefined) throw new AppError(eventErrors.nhs_number_in_url);
      const replayed = /^\d+$/.test(request.query.replayed ?? "") ? Number(request.query.replayed) : null;
      return listPage(reply, request.query, replayed);
    },
  );

  app.post<{ Body: ListQuery }>(
    "/admin/events",
    { config: admin, preHandler: app.csrfProtection, schema: { body: ListBody } },
    async (request, reply) => listPage(reply, request.body, null),
  );

  app.get<{ Params: { id: string }; Querystring: { replayed?: string } }>(
    "/admin/events/:id",
    { config: admin, schema: { params: idParams } },
    async (request, reply) => {
      const detail = await deps.admin.get(request.params.id);
      return reply.page("events-detail", {
        id: detail.event.id,
        canReplay: ["processed", "skipped", "dead"].includes(detail.event.status),
        facts: eventFacts(detail.event, detail.nhsNumber, detail.contentType),
        body: detail.body,
        replayed: request.query.replayed === "1",
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    "/admin/events/:id/replay",
    { config: admin, preHandler: app.csrfProtection, schema: { params: idParams } },
    async (request, reply) => {
      await deps.admin.replay({ kind: "one", id: request.params.id }, actor(request), request.correlationId);
      return reply.redirect(`/admin/events/${request.params.id}?replayed=1`, 303);
    },
  );

  app.post<{ Body: Record<string, unknown> }>(
    "/admin/events/replay",
    { config: admin, preHandler: app.csrfProtection },
    async (request, reply) => {
      const count = await deps.admin.replay(
        selectionOf(request.body ?? {}),
        actor(request),
        request.correlationId,
      );
      return reply.redirect(`/admin/events?replayed=${count}`, 303);
    },
  );

  const api = { access: "admin" as const, json: true };

  const listJson = async (q: ListQuery) => {
    const [summary, rows] = await Promise.all([deps.admin.summary(), deps.admin.list(queryOf(q))]);
    const last = rows.at(-1);
    return {
      summary,
      events: rows.map(({ event, nhsNumber }) => {
        const { payloadSealed: _p, subjectIndex: _i, ...visible } = event;
        return { ...visible, nhsNumber };
      }),
      next: rows.length >= PAGE_SIZE && last ? cursorOf(last.event) : null,
    };
  };
  app.get<{ Querystring: ListQuery }>(
    "/api/v1/admin/events",
    { config: api, schema: listSchema },
    async (request) => {
      if (request.query.nhs !== undefined) throw new AppError(eventErrors.nhs_number_in_url);
      return listJson(request.query);
    },
  );
  // The same with the filters in a JSON body, the only way to filter by NHS number.
  app.post<{ Body: ListQuery }>(
    "/api/v1/admin/events/search",
    { config: api, preHandler: app.csrfProtection, schema: searchSchema },
    async (request) => listJson(request.body),
  );

  app.get<{ Params: { id: string } }>(
    "/api/v1/admin/events/:id",
    { config: api, schema: detailSchema },
    async (request) => {
      const { event, nhsNumber, contentType, body } = await deps.admin.get(request.params.id);
      const { payloadSealed: _p, subjectIndex: _i, ...visible } = event;
      return { event: { ...visible, nhsNumber }, contentType, body };
    },
  );

  app.post<{ Body: Record<string, unknown> }>(
    "/api/v1/admin/events/replay",
    { config: api, preHandler: app.csrfProtection, schema: replaySchema },
    async (request) => {
      const body = request.body ?? {};
      const selection: ReplaySelection =
        typeof body["id"] === "string" ? { kind: "one", id: body["id"] } : selectionOf(body);
      return { replayed: await deps.admin.replay(selection, actor(request), request.correlationId) };
    },
  );
}
