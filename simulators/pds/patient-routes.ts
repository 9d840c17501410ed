/**
 * The PDS FHIR R4 Patient API under `/personal-demographics/FHIR/R4`: read by NHS number and
 * search. A gateway hook does what the PDS proxy does before any data is touched (mirror the
 * request ids, count, rate-limit, check headers); the handlers then apply scenarios and answer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { registerCapabilityStatement } from "./capability-statement.ts";
import { type FhirResponse, respond, sendFhir, spineError } from "./fhir-reply.ts";
import { tooManyMatchesOutcome } from "./operation-outcome.ts";
import {
  matchesCriteria,
  parseSearchQuery,
  type SearchCriteria,
  type SearchQuery,
} from "./patient-search.ts";
import { readView, searchView } from "./patient-view.ts";
import {
  decideScenario,
  PROCEED,
  type ScenarioAction,
  type ScenarioId,
  scenarioForNhsNumber,
} from "./scenarios.ts";
import { searchBundle } from "./search-bundle.ts";
import type { SimulatorState } from "./simulator-state.ts";
import {
  checkAccessToken,
  checkAuthorization,
  checkNhsNumber,
  checkRequestId,
  headerValue,
} from "./validation.ts";

export const BASE_PATH = "/personal-demographics/FHIR/R4";

/** Per-request notes for the request log, kept off the request object so no Fastify types are augmented. */
const notes = new WeakMap<FastifyRequest, { scenario: ScenarioId | null; logged: boolean }>();

function readNhsNumber(request: FastifyRequest): string | undefined {
  const params = request.params as { id?: string } | undefined;
  return params?.id;
}

function logRequest(state: SimulatorState, request: FastifyRequest, status: number | null): void {
  const note = notes.get(request) ?? { scenario: null, logged: false };
  if (note.logged) return;
  notes.set(request, { ...note, logged: true });
  const header = (name: string) => headerValue(request.headers, name) ?? null;
  state.requests.add({
    time: new Date().toISOString(),
    method: request.method,
    path: request.url,
    status,
    scenario: note.scenario,
    headers: {
      "x-request-id": header("x-request-id"),
      "x-correlation-id": header("x-correlation-id"),
      "nhsd-end-user-organisation-ods": header("nhsd-end-user-organisation-ods"),
    },
    authorization: header("authorization") !== null,
    tokenUser: bearerUser(state, header("authorization")),
  });
  const scenario = note.scenario ? ` [${note.scenario}]` : "";
  state.settings.log(`${request.method} ${request.url} -> ${status ?? "connection reset"}${scenario}`);
}

function bearerUser(state: SimulatorState, authorization: string | null): string | null {
  const token = authorization?.match(/^Bearer (\S+)$/i)?.[1];
  return token === undefined ? null : state.tokenUser(token);
}

/** Runs before every Patient handler, in the order the PDS proxy applies these checks. */
async function gateway(
  state: SimulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  for (const name of ["X-Request-ID", "X-Correlation-ID"]) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) reply.header(name, value);
  }
  const now = state.now();
  state.stats.arrived(now, readNhsNumber(request));
  if (!state.limiter.tryAdmit(now)) {
    state.stats.rateLimited();
    return sendFhir(reply, spineError(state, "TOO_MANY_REQUESTS"));
  }
  const { requireAuthorization, requireToken = false } = state.settings;
  const failure =
    checkRequestId(request.headers) ??
    checkAuthorization(request.headers, requireAuthorization || requireToken) ??
    (requireToken ? checkAccessToken(request.headers, state.checkAccessToken) : undefined);
  return failure ? sendFhir(reply, spineError(state, failure.code, failure.diagnostics)) : undefined;
}

/** A global scenario overrides the per-number ones: it models the whole service misbehaving. */
function scenarioAction(state: SimulatorState, request: FastifyRequest, nhsNumber?: string): ScenarioAction {
  const scenario =
    state.globalScenario ?? (nhsNumber === undefined ? undefined : scenarioForNhsNumber(nhsNumber));
  notes.set(request, { scenario: scenario ?? null, logged: false });
  if (!scenario) return PROCEED;
  const requestId = headerValue(request.headers, "x-request-id") ?? "";
  return decideScenario(scenario, requestId, state.firstAttempts, state.settings.slowDelayMs);
}

function readResponse(state: SimulatorState, nhsNumber: string): FhirResponse {
  const result = state.store.read(nhsNumber);
  if (result.kind === "not-found") return spineError(state, "RESOURCE_NOT_FOUND");
  if (result.kind === "invalidated") return spineError(state, "INVALIDATED_RESOURCE");
  const etag = `W/"${result.patient.meta?.versionId ?? "1"}"`;
  return { status: 200, body: readView(result.patient), headers: { ETag: etag } };
}

function searchResponse(state: SimulatorState, criteria: SearchCriteria, baseUrl: string): FhirResponse {
  const matches = state.store
    .activePatients()
    .map(searchView)
    .filter((patient) => matchesCriteria(patient, criteria));
  if (matches.length > criteria.maxResults) return { status: 200, body: tooManyMatchesOutcome() };
  return { status: 200, body: searchBundle(matches, baseUrl, new Date()) };
}

/** Registers the Patient read and search routes with their gateway and request logging. */
export function registerPatientRoutes(app: FastifyInstance, state: SimulatorState): void {
  const onReset = (request: FastifyRequest) => logRequest(state, request, null);
  const plugin = async (api: FastifyInstance) => {
    api.addHook("onRequest", (request, reply) => gateway(state, request, reply));
    api.addHook("onResponse", async (request, reply) => logRequest(state, request, reply.statusCode));
    registerCapabilityStatement(api);

    api.get<{ Params: { id: string } }>("/Patient/:id", async (request, reply) => {
      const nhsNumber = request.params.id;
      const invalid = checkNhsNumber(nhsNumber);
      if (invalid) return sendFhir(reply, spineError(state, invalid.code, invalid.diagnostics));
      const action = scenarioAction(state, request, nhsNumber);
      return respond(state, action, reply, () => readResponse(state, nhsNumber), onReset);
    });

    api.get("/Patient", async (request, reply) => {
      const parsed = parseSearchQuery(request.query as SearchQuery);
      if (!parsed.ok) return sendFhir(reply, spineError(state, parsed.code, parsed.diagnostics));
      const baseUrl = `${request.protocol}://${request.host}${BASE_PATH}`;
      const action = scenarioAction(state, request);
      return respond(state, action, reply, () => searchResponse(state, parsed.criteria, baseUrl), onReset);
    });
  };
  app.register(plugin, { prefix: BASE_PATH });
}
