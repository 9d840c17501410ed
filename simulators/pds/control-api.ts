/**
 * The simulator's control API under `/_sim/` (plain JSON): lets tests and the event simulator
 * pick scenarios, read traffic counters and the request log, and change records the way other
 * NHS systems would change them on PDS. Changes live in memory until reset or restart.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { applyPatientChange, patientChangeSchema } from "./patient-changes.ts";
import type { ChangeResult, StoredPatient } from "./patient-store.ts";
import { DEFAULT_LIMIT, REQUEST_LOG_CAPACITY } from "./request-log.ts";
import { SCENARIO_IDS, SCENARIOS } from "./scenarios.ts";
import type { SimulatorState } from "./simulator-state.ts";

const scenarioBody = z.strictObject({ scenario: z.enum(SCENARIO_IDS).nullable() });
const supersedeBody = z.strictObject({ survivor: z.string().regex(/^\d{10}$/, "a 10-digit NHS number") });
const requestsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(REQUEST_LOG_CAPACITY).default(DEFAULT_LIMIT),
});

type NhsParams = { Params: { nhs: string } };

function badRequest(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply.code(400).send({ error: "invalid request", details: z.prettifyError(error) });
}

function recordBody(record: StoredPatient) {
  return { nhsNumber: record.nhsNumber, ...record.state, patient: record.patient };
}

function changeReply(reply: FastifyReply, result: ChangeResult): FastifyReply {
  if (result.ok) return reply.send(recordBody(result.record));
  return reply.code(result.reason === "not-found" ? 404 : 409).send({ error: result.message });
}

function registerScenarioRoutes(control: FastifyInstance, state: SimulatorState): void {
  control.get("/scenarios", async () => ({ active: state.globalScenario, scenarios: SCENARIOS }));
  control.put("/scenario", async (request, reply) => {
    const parsed = scenarioBody.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, parsed.error);
    state.globalScenario = parsed.data.scenario;
    state.settings.log(`global scenario: ${parsed.data.scenario ?? "none"}`);
    return { active: state.globalScenario };
  });
}

function registerTrafficRoutes(control: FastifyInstance, state: SimulatorState): void {
  control.get("/stats", async () => state.stats.snapshot());
  control.post("/stats/reset", async () => {
    state.stats.reset();
    return state.stats.snapshot();
  });
  control.get("/requests", async (request, reply) => {
    const parsed = requestsQuery.safeParse(request.query);
    if (!parsed.success) return badRequest(reply, parsed.error);
    return { requests: state.requests.recent(parsed.data.limit) };
  });
}

function registerRecordRoutes(control: FastifyInstance, state: SimulatorState): void {
  control.get<NhsParams>("/patients/:nhs", async (request, reply) => {
    const record = state.store.get(request.params.nhs);
    return record ? recordBody(record) : reply.code(404).send({ error: `No patient ${request.params.nhs}` });
  });
  control.patch<NhsParams>("/patients/:nhs", async (request, reply) => {
    const parsed = patientChangeSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, parsed.error);
    const now = new Date();
    return changeReply(
      reply,
      state.store.update(request.params.nhs, (p) => applyPatientChange(p, parsed.data, now)),
    );
  });
  control.post<NhsParams>("/patients/:nhs/supersede", async (request, reply) => {
    const parsed = supersedeBody.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, parsed.error);
    return changeReply(reply, state.store.supersede(request.params.nhs, parsed.data.survivor));
  });
  control.post<NhsParams>("/patients/:nhs/invalidate", async (request, reply) =>
    changeReply(reply, state.store.invalidate(request.params.nhs)),
  );
}

/** Registers every `/_sim/` route. */
export function registerControlApi(app: FastifyInstance, state: SimulatorState): void {
  const plugin = async (control: FastifyInstance) => {
    control.get("/health", async () => ({ status: "ok" }));
    control.post("/reset", async () => {
      state.reset();
      state.settings.log("reset to initial data");
      return { status: "reset" };
    });
    registerScenarioRoutes(control, state);
    registerTrafficRoutes(control, state);
    registerRecordRoutes(control, state);
  };
  app.register(plugin, { prefix: "/_sim" });
}
