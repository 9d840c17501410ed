/**
 * The audit trail over HTTP. Public JSON: signed checkpoints, their keys, inclusion and
 * consistency proofs (hashes only; nothing about any patient). For administrators: the search
 * page, the per-patient access report, the timeline of one correlation id, one record, the same as
 * JSON, and the FHIR AuditEvent export (NDJSON, streamed). Searches that carry an NHS number are
 * POSTed, so the number never sits in a URL, a browser history or an access log; the pages then
 * redirect to an address holding only a sealed copy of the search (POST-redirect-GET), so Back
 * from a record shows the results again with no form to resubmit.
 */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { auditErrors } from "../../audit/audit.errors.ts";
import type { AuditCheckpoints, ProofProblem } from "../../audit/audit-checkpoints.service.ts";
import type { AuditExport } from "../../audit/audit-export.service.ts";
import { OUTCOME_GROUPS } from "../../audit/audit-outcome-groups.ts";
import { OUTCOMES } from "../../audit/audit-outcomes.ts";
import type { RawAuditQuery } from "../../audit/audit-query.ts";
import { QUERY_FIELDS } from "../../audit/audit-query.ts";
import type { AuditReader, AuditSearch } from "../../audit/audit-search.service.ts";
import { DOMAIN_EVENT_NAMES } from "../../domain-events.ts";
import { actorOf } from "../../identity/session.service.ts";
import type { Clock } from "../../platform/clock.ts";
import { AppError } from "../../platform/errors.ts";
import type { SealedTokens } from "../../platform/sealed-token.ts";

export interface AuditRoutesDeps {
  readonly search: AuditSearch;
  readonly export: AuditExport;
  readonly checkpoints: AuditCheckpoints;
  readonly exportMaxDays: number;
  /** Seals a posted search for its results address (bound to the session). */
  readonly searchTokens: SealedTokens;
  readonly clock: Clock;
  /** Names for ODS codes, where a sign-in told us them; codes without one are left out. */
  readonly organisationNames: (codes: readonly string[]) => Promise<ReadonlyMap<string, string>>;
}

/** How long a results address keeps working. */
const SEARCH_TOKEN_SECONDS = 3600;

const publicJson = { config: { access: "public" as const, json: true } };
const admin = { access: "admin" as const };
const adminJson = { access: "admin" as const, json: true };
const text = { type: "string", maxLength: 200 } as const;
/** Every search field as a string (arrays and objects are refused with 400); the domain checks the rest. */
const searchSchema = {
  type: "object",
  properties: Object.fromEntries([...QUERY_FIELDS, "_csrf"].map((f) => [f, text])),
} as const;
const seqParams = {
  type: "object",
  properties: { seq: { type: "string", pattern: "^[1-9][0-9]{0,15}$" } },
  required: ["seq"],
} as const;
const correlationParams = {
  type: "object",
  properties: { correlationId: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" } },
  required: ["correlationId"],
} as const;
const size = { type: "string", pattern: "^[0-9]{1,16}$" } as const;
/** A results address: a sealed search, or (for links) plain fields without an NHS number. */
const resultsSchema = {
  type: "object",
  properties: {
    ...searchSchema.properties,
    search: { type: "string", pattern: "^[A-Za-z0-9_-]{1,4000}$" },
  },
} as const;
type ResultsQuery = { Querystring: Record<string, string | undefined> };

/** The outcome list under its headings, each option its meaning in words with the code after it. */
const OUTCOME_GROUP_OPTIONS = OUTCOME_GROUPS.map((group) => ({
  heading: group.heading,
  options: group.codes.map((code) => ({
    value: code,
    text: `${OUTCOMES[code].meaning.replace(/\.$/, "")} (${code})`,
  })),
}));
const TYPE_OPTIONS = DOMAIN_EVENT_NAMES.map((name) => ({ value: name, text: name }));

function readerOf(request: FastifyRequest): AuditReader {
  if (!request.session) throw new Error("route requires a session");
  return { ...actorOf(request.session), correlationId: request.correlationId };
}

function sessionIdOf(request: FastifyRequest): string {
  if (!request.session) throw new Error("route requires a session");
  return request.session.id;
}

/** Search fields from a query string or form body, without the CSRF token. */
function fieldsOf(input: unknown): RawAuditQuery {
  const { _csrf: _token, ...fields } = (input ?? {}) as Record<string, string | undefined>;
  return fields;
}

/** Search fields from a URL: an NHS number there would end up in access logs and browser history. */
function urlFieldsOf(input: unknown): RawAuditQuery {
  const fields = fieldsOf(input);
  if (fields["nhsNumber"]?.trim()) {
    throw new AppError(auditErrors.search_invalid, {
      details: {
        problems: [
          {
            field: "nhsNumber",
            message: "Send an NHS number in the form or a POST body, never in the address.",
          },
        ],
      },
    });
  }
  return fields;
}

function problemsOf(error: unknown): readonly { field: string; message: string }[] | null {
  if (!(error instanceof AppError) || error.definition !== auditErrors.search_invalid) return null;
  return (error.details?.["problems"] as { field: string; message: string }[] | undefined) ?? [];
}

function proofOrError<T>(reply: FastifyReply, result: T | ProofProblem): T | FastifyReply {
  if (result === "unknown_tree_size") throw new AppError(auditErrors.checkpoint_not_found);
  if (result === "out_of_range") throw new AppError(auditErrors.proof_out_of_range);
  if (result === "pruned") throw new AppError(auditErrors.proof_pruned);
  reply.header("cache-control", "public, max-age=60");
  return result;
}

export async function auditRoutes(app: FastifyInstance, deps: AuditRoutesDeps): Promise<void> {
  /** `{ code: name }` for the organisations on a page, for the `organisation` macro. */
  const orgNamesFor = async (items: readonly { orgCode: string | null }[]) =>
    Object.fromEntries(
      await deps.organisationNames(items.flatMap((i) => (i.orgCode ? [i.orgCode] : []))),
    ) as Record<string, string>;

  app.get("/audit/checkpoints/latest", publicJson, async (_request, reply) => {
    const latest = await deps.checkpoints.latest();
    if (!latest) throw new AppError(auditErrors.checkpoint_not_found);
    return reply.header("cache-control", "no-cache").send(latest);
  });
  app.get<{ Params: { size: string } }>(
    "/audit/checkpoints/:size",
    { ...publicJson, schema: { params: { type: "object", properties: { size }, required: ["size"] } } },
    async (request, reply) => {
      const checkpoint = await deps.checkpoints.atSize(Number(request.params.size));
      if (!checkpoint) throw new AppError(auditErrors.checkpoint_not_found);
      return reply.header("cache-control", "public, max-age=86400, immutable").send(checkpoint);
    },
  );
  app.get("/audit/keys", publicJson, async (_request, reply) =>
    reply.header("cache-control", "public, max-age=300").send(deps.checkpoints.publicKeys()),
  );
  app.get<{ Querystring: { seq: string; treeSize?: string } }>(
    "/audit/proofs/inclusion",
    {
      ...publicJson,
      schema: {
        querystring: {
          type: "object",
          properties: { seq: size, treeSize: size },
          required: ["seq"],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const treeSize = request.query.treeSize === undefined ? undefined : Number(request.query.treeSize);
      return proofOrError(reply, await deps.checkpoints.inclusion(Number(request.query.seq), treeSize));
    },
  );
  app.get<{ Querystring: { from: string; to: string } }>(
    "/audit/proofs/consistency",
    {
      ...publicJson,
      schema: {
        querystring: {
          type: "object",
          properties: { from: size, to: size },
          required: ["from", "to"],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) =>
      proofOrError(
        reply,
        await deps.checkpoints.consistency(Number(request.query.from), Number(request.query.to)),
      ),
  );

  /** POST-redirect-GET: the posted fields, sealed for this session, in the results address. */
  const redirectToResults = (request: FastifyRequest, reply: FastifyReply, path: string) => {
    const fields = Object.fromEntries(
      Object.entries(fieldsOf(request.body)).filter(([, v]) => typeof v === "string" && v.trim() !== ""),
    );
    const expiresAt = new Date(deps.clock.now().getTime() + SEARCH_TOKEN_SECONDS * 1000);
    const search = deps.searchTokens.seal(JSON.stringify(fields), sessionIdOf(request), expiresAt);
    return reply.redirect(`${path}?${new URLSearchParams({ search })}`, 303);
  };
  /** The fields of a results address: opened from its sealed search, or plain ones from a link. */
  const resultsFieldsOf = (request: FastifyRequest<ResultsQuery>) => {
    const { search, ...plain } = request.query;
    if (search === undefined) return { fields: urlFieldsOf(plain), sealed: false, expired: false };
    const opened = deps.searchTokens.open(search, sessionIdOf(request), deps.clock.now());
    if (opened === undefined) return { fields: {}, sealed: true, expired: true };
    return { fields: JSON.parse(opened) as RawAuditQuery, sealed: true, expired: false };
  };

  // Support pages: the search form and its results (GET for links and results, POST from the form).
  const searchPage = async (request: FastifyRequest<ResultsQuery>, reply: FastifyReply) => {
    let { fields, expired } = { fields: {} as RawAuditQuery, expired: false };
    let result = null;
    let problems: readonly { field: string; message: string }[] = [];
    try {
      ({ fields, expired } = resultsFieldsOf(request));
      const asked = Object.values(fields).some((v) => typeof v === "string" && v.trim() !== "");
      if (asked) result = await deps.search.search(fields, readerOf(request));
    } catch (error) {
      problems = problemsOf(error) ?? [];
      if (problems.length === 0) throw error;
      reply.code(400);
    }
    return reply.page("audit-search", {
      fields,
      problems,
      errors: Object.fromEntries(problems.map((p) => [p.field, p.message])),
      result,
      orgNames: await orgNamesFor(result?.records ?? []),
      searchExpired: expired,
      outcomeGroups: OUTCOME_GROUP_OPTIONS,
      types: TYPE_OPTIONS,
      exportMaxDays: deps.exportMaxDays,
      navigationCurrent: "audit",
    });
  };
  app.get<ResultsQuery>(
    "/admin/audit",
    { config: admin, schema: { querystring: resultsSchema } },
    searchPage,
  );
  app.post(
    "/admin/audit",
    { config: admin, preHandler: app.csrfProtection, schema: { body: searchSchema } },
    (request, reply) => redirectToResults(request, reply, "/admin/audit"),
  );

  const patientPage = async (request: FastifyRequest<ResultsQuery>, reply: FastifyReply) => {
    let { fields, sealed, expired } = { fields: {} as RawAuditQuery, sealed: false, expired: false };
    let report = null;
    let problems: readonly { field: string; message: string }[] = [];
    try {
      ({ fields, sealed, expired } = resultsFieldsOf(request));
      // The report needs an NHS number, so only a sealed search (from the form) runs it.
      if (sealed && !expired) report = await deps.search.patientReport(fields, readerOf(request));
    } catch (error) {
      problems = problemsOf(error) ?? [];
      if (problems.length === 0) throw error;
      reply.code(400);
    }
    return reply.page("audit-patient", {
      fields,
      problems,
      errors: Object.fromEntries(problems.map((p) => [p.field, p.message])),
      report,
      orgNames: await orgNamesFor([...(report?.summary ?? []), ...(report?.records ?? [])]),
      searchExpired: expired,
    });
  };
  app.get<ResultsQuery>(
    "/admin/audit/patient",
    { config: admin, schema: { querystring: resultsSchema } },
    patientPage,
  );
  app.post(
    "/admin/audit/patient",
    { config: admin, preHandler: app.csrfProtection, schema: { body: searchSchema } },
    (request, reply) => redirectToResults(request, reply, "/admin/audit/patient"),
  );

  app.get<{ Params: { correlationId: string } }>(
    "/admin/audit/timeline/:correlationId",
    { config: admin, schema: { params: correlationParams } },
    async (request, reply) => {
      const records = await deps.search.timeline(request.params.correlationId, readerOf(request));
      return reply.page("audit-timeline", {
        correlationId: request.params.correlationId,
        records,
        orgNames: await orgNamesFor(records),
      });
    },
  );
  app.get<{ Params: { seq: string } }>(
    "/admin/audit/records/:seq",
    { config: admin, schema: { params: seqParams } },
    async (request, reply) => {
      const record = await deps.search.record(Number(request.params.seq), readerOf(request));
      const proof = await deps.checkpoints.inclusion(record.seq);
      return reply.page("audit-record", {
        record,
        proof: typeof proof === "string" ? null : proof,
        orgNames: await orgNamesFor([record]),
      });
    },
  );

  // The same as JSON. POST takes the search as a JSON body, to keep NHS numbers out of URLs.
  app.get(
    "/admin/audit/api/records",
    { config: adminJson, schema: { querystring: searchSchema } },
    async (request) => deps.search.search(urlFieldsOf(request.query), readerOf(request)),
  );
  // Searching the audit trail writes an audit record of the search, so it needs the CSRF token too.
  app.post(
    "/admin/audit/api/records",
    { config: adminJson, preHandler: app.csrfProtection, schema: { body: searchSchema } },
    async (request) => deps.search.search(fieldsOf(request.body), readerOf(request)),
  );
  app.post(
    "/admin/audit/api/patient-report",
    { config: adminJson, preHandler: app.csrfProtection, schema: { body: searchSchema } },
    async (request) => deps.search.patientReport(fieldsOf(request.body), readerOf(request)),
  );
  app.get<{ Params: { correlationId: string } }>(
    "/admin/audit/api/timeline/:correlationId",
    { config: adminJson, schema: { params: correlationParams } },
    async (request) => ({
      records: await deps.search.timeline(request.params.correlationId, readerOf(request)),
    }),
  );
  app.get<{ Params: { seq: string } }>(
    "/admin/audit/api/records/:seq",
    { config: adminJson, schema: { params: seqParams } },
    async (request) => deps.search.record(Number(request.params.seq), readerOf(request)),
  );

  // Browsers get an error page for a bad range (the form is on the search page); API clients JSON.
  app.get(
    "/admin/audit/export",
    { config: admin, schema: { querystring: searchSchema } },
    async (request, reply) => {
      const lines = await deps.export.start(urlFieldsOf(request.query), readerOf(request));
      async function* ndjson() {
        for await (const line of lines) yield `${line}\n`;
      }
      const name = `audit-events-${new Date().toISOString().slice(0, 19).replaceAll(":", "")}.ndjson`;
      return reply
        .type("application/fhir+ndjson")
        .header("cache-control", "no-store")
        .header("content-disposition", `attachment; filename="${name}"`)
        .send(Readable.from(ndjson()));
    },
  );
}
