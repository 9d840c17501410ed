/**
 * The NRL v3 consumer API: search by `POST /DocumentReference/_search` (JSON body) or
 * `GET /DocumentReference?…`, read by id, with NRL's header checks and errors. Checked in this
 * order: the scenario in force (a gateway-level failure), the bearer token (when the platform is
 * on), `X-Request-ID`, `NHSD-End-User-Organisation-ODS`, the parameters, then the ODS code.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isValidNhsNumber } from "./nhs-number.ts";
import { type LoggedRequest, type NrlState, record } from "./nrl-state.ts";
import { operationOutcome } from "./operation-outcome.ts";
import { NHS_NUMBER_SYSTEM, ODS_SYSTEM, SNOMED } from "./pointers.ts";

export const BASE_PATH = "/record-locator/consumer/FHIR/R4";
const FHIR_JSON = "application/fhir+json;version=1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEARCH_PARAMS = new Set(["subject:identifier", "type", "category", "custodian:identifier", "_summary"]);

class Refusal extends Error {
  readonly status: number;
  readonly code: string;
  readonly diagnostics: string;

  constructor(status: number, code: string, diagnostics: string) {
    super(diagnostics);
    this.status = status;
    this.code = code;
    this.diagnostics = diagnostics;
  }
}

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === "string" ? value : null;
}

/** The checks every consumer request passes before its own. */
async function gate(state: NrlState, request: FastifyRequest): Promise<void> {
  if (state.scenario === "slow")
    await new Promise((resolve) => setTimeout(resolve, state.slowDelayMs).unref());
  if (state.scenario === "unavailable") throw new Refusal(503, "SERVICE_UNAVAILABLE", "Service unavailable");
  if (state.scenario === "server-error")
    throw new Refusal(500, "INTERNAL_SERVER_ERROR", "An unexpected error occurred");
  if (state.checkAccessToken) {
    const token = /^Bearer (\S+)$/.exec(header(request, "authorization") ?? "")?.[1];
    if (!token) throw new Refusal(401, "ACCESS_DENIED", "Missing access token");
    const verdict = state.checkAccessToken(token);
    if (verdict === "expired") throw new Refusal(401, "ACCESS_DENIED", "Access Token expired");
    if (verdict !== "valid") throw new Refusal(401, "ACCESS_DENIED", "Invalid Access Token");
  }
  const requestId = header(request, "x-request-id");
  if (requestId === null || !UUID.test(requestId))
    throw new Refusal(
      400,
      "MISSING_OR_INVALID_HEADER",
      "Invalid request with error - X-Request-ID header must be a UUID",
    );
  const ods = header(request, "nhsd-end-user-organisation-ods");
  if (ods === null || ods.trim() === "")
    throw new Refusal(400, "PRECONDITION_FAILED", "Missing NHSD-End-User-Organisation-ODS header");
}

function odsOf(request: FastifyRequest): string {
  return header(request, "nhsd-end-user-organisation-ods") ?? "";
}

/** `system|value` parts of a token parameter, each of the comma-separated values. */
function tokens(value: string, system: string, name: string): string[] {
  return value.split(",").map((part) => {
    const [given, code, ...rest] = part.split("|");
    if (given !== system || !code || rest.length > 0)
      throw new Refusal(400, "INVALID_PARAMETER", `Invalid ${name}: must be ${system}|<code>`);
    return code;
  });
}

function asParams(raw: unknown): Record<string, string> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new Refusal(400, "BAD_REQUEST", "Request body must be a JSON object of search parameters");
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!SEARCH_PARAMS.has(key)) throw new Refusal(400, "INVALID_PARAMETER", `Unknown parameter: ${key}`);
    if (typeof value !== "string")
      throw new Refusal(400, "INVALID_PARAMETER", `Invalid ${key}: must be a string`);
    params[key] = value;
  }
  return params;
}

function codingCode(concept: unknown): string | undefined {
  const coding = (concept as { coding?: { code?: unknown }[] } | undefined)?.coding?.[0];
  return typeof coding?.code === "string" ? coding.code : undefined;
}

function search(state: NrlState, params: Record<string, string>, ods: string): Record<string, unknown> {
  const subject = params["subject:identifier"];
  if (subject === undefined)
    throw new Refusal(400, "INVALID_PARAMETER", "Missing required parameter: subject:identifier");
  const [nhsNumber] = tokens(subject, NHS_NUMBER_SYSTEM, "subject:identifier");
  if (!nhsNumber || !isValidNhsNumber(nhsNumber))
    throw new Refusal(400, "INVALID_PARAMETER", "Invalid NHS number in subject:identifier");
  const types = params["type"] === undefined ? null : new Set(tokens(params["type"], SNOMED, "type"));
  const categories =
    params["category"] === undefined ? null : new Set(tokens(params["category"], SNOMED, "category"));
  const custodians =
    params["custodian:identifier"] === undefined
      ? null
      : new Set(tokens(params["custodian:identifier"], ODS_SYSTEM, "custodian:identifier"));
  if (params["_summary"] !== undefined && params["_summary"] !== "count")
    throw new Refusal(400, "INVALID_PARAMETER", "Invalid _summary: only count is supported");
  if (state.scenario === "no-pointers-for-ods" || state.refusedOdsCodes.has(ods))
    throw new Refusal(403, "ACCESS_DENIED", "Provided ODS code has no pointers within requesting app");
  const found = (state.pointers.get(nhsNumber) ?? []).filter((pointer) => {
    const custodian = (pointer["custodian"] as { identifier?: { value?: string } } | undefined)?.identifier
      ?.value;
    if (types && !types.has(codingCode(pointer["type"]) ?? "")) return false;
    if (categories && !categories.has(codingCode((pointer["category"] as unknown[] | undefined)?.[0]) ?? ""))
      return false;
    return !(custodians && !custodians.has(custodian ?? ""));
  });
  const bundle: Record<string, unknown> = { resourceType: "Bundle", type: "searchset", total: found.length };
  if (params["_summary"] === "count") return bundle;
  return {
    ...bundle,
    link: [{ relation: "self", url: `${BASE_PATH}/DocumentReference` }],
    entry: found.map((resource) => ({ resource })),
  };
}

function readPointer(state: NrlState, id: string, ods: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9]+-[A-Za-z0-9.-]+$/.test(id))
    throw new Refusal(400, "INVALID_PARAMETER", "Invalid id: must be <ODS code>-<local id>");
  if (state.refusedOdsCodes.has(ods))
    throw new Refusal(403, "ACCESS_DENIED", "Provided ODS code has no pointers within requesting app");
  for (const list of state.pointers.values()) {
    const pointer = list.find((p) => p["id"] === id);
    if (pointer) return pointer;
  }
  throw new Refusal(404, "RESOURCE_NOT_FOUND", "The requested DocumentReference could not be found");
}

export function registerConsumerRoutes(
  app: FastifyInstance,
  state: NrlState,
  log: (line: string) => void,
): void {
  const answer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    route: LoggedRequest["route"],
    body: () => Record<string, unknown>,
  ) => {
    let status = 200;
    let payload: Record<string, unknown>;
    try {
      await gate(state, request);
      payload = body();
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      status = error.status;
      payload = operationOutcome(error.code, error.diagnostics);
    }
    record(state, {
      time: new Date().toISOString(),
      method: request.method,
      route,
      status,
      scenario: state.scenario,
      headers: {
        "x-request-id": header(request, "x-request-id"),
        "x-correlation-id": header(request, "x-correlation-id"),
        "nhsd-end-user-organisation-ods": header(request, "nhsd-end-user-organisation-ods"),
      },
      authorization: header(request, "authorization") !== null,
    });
    log(`${request.method} ${route} ${status}`);
    const correlation = header(request, "x-correlation-id");
    if (correlation) reply.header("x-correlation-id", correlation);
    const requestId = header(request, "x-request-id");
    if (requestId) reply.header("x-request-id", requestId);
    return reply.code(status).header("content-type", FHIR_JSON).send(JSON.stringify(payload));
  };

  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    ["application/json", "application/fhir+json"],
    { parseAs: "string" },
    (_request, text, done) => {
      try {
        done(null, JSON.parse(String(text)));
      } catch {
        done(null, Symbol.for("malformed"));
      }
    },
  );

  app.get<{ Querystring: Record<string, string | string[]> }>(
    `${BASE_PATH}/DocumentReference`,
    (request, reply) =>
      answer(request, reply, "search-get", () => {
        const params: Record<string, string> = {};
        for (const [key, value] of Object.entries(request.query))
          params[key] = Array.isArray(value) ? value.join(",") : value;
        return search(state, asParams(params), odsOf(request));
      }),
  );
  app.post(`${BASE_PATH}/DocumentReference/_search`, (request, reply) =>
    answer(request, reply, "search-post", () => search(state, asParams(request.body), odsOf(request))),
  );
  app.get<{ Params: { id: string } }>(`${BASE_PATH}/DocumentReference/:id`, (request, reply) =>
    answer(request, reply, "read", () => readPointer(state, request.params.id, odsOf(request))),
  );
  // NRL is JSON only and answers HEAD with 405.
  app.route({
    method: "HEAD",
    url: `${BASE_PATH}/DocumentReference`,
    handler: (_request, reply) =>
      reply
        .code(405)
        .header("content-type", FHIR_JSON)
        .send(JSON.stringify(operationOutcome("METHOD_NOT_ALLOWED", "HEAD is not supported"))),
  });
}
