/**
 * The control API at `/_sim/` (JSON), and the human control page at `/_sim/` (HTML) with forms
 * that add or remove a pointer for a patient, so "New document available" can be shown live.
 */
import type { FastifyInstance } from "fastify";
import { controlPage } from "./control-page.ts";
import { isValidNhsNumber } from "./nhs-number.ts";
import { isScenario, type NrlState, resetState, SCENARIOS } from "./nrl-state.ts";
import { documentReference, POINTER_TYPES, type PointerTypeCode } from "./pointers.ts";

export interface AddPointer {
  readonly nhsNumber: string;
  readonly type: string;
  readonly custodian: string;
}

/** Adds a pointer; returns its id, or why it was refused. */
export function addPointer(state: NrlState, input: Partial<AddPointer>): { id: string } | { error: string } {
  const nhsNumber = String(input.nhsNumber ?? "").replace(/[\s-]/g, "");
  if (!isValidNhsNumber(nhsNumber)) return { error: "nhsNumber must be a valid NHS number" };
  if (!Object.hasOwn(POINTER_TYPES, String(input.type)))
    return { error: "type must be one of the listed SNOMED codes" };
  const custodian = String(input.custodian ?? "");
  if (!/^[A-Z0-9]{2,8}$/.test(custodian)) return { error: "custodian must be an ODS code" };
  const pointer = documentReference({ nhsNumber, type: input.type as PointerTypeCode, custodian });
  state.pointers.set(nhsNumber, [...(state.pointers.get(nhsNumber) ?? []), pointer]);
  return { id: String(pointer["id"]) };
}

/** Removes a pointer by id; whether it was there. */
export function removePointer(state: NrlState, id: string): boolean {
  for (const [nhsNumber, list] of state.pointers) {
    const kept = list.filter((p) => p["id"] !== id);
    if (kept.length !== list.length) {
      state.pointers.set(nhsNumber, kept);
      return true;
    }
  }
  return false;
}

export function registerControlApi(app: FastifyInstance, state: NrlState, baseUrl: () => string): void {
  app.post("/_sim/reset", async () => {
    resetState(state);
    return { reset: true };
  });
  app.get("/_sim/scenarios", async () => ({ scenarios: SCENARIOS, current: state.scenario }));
  app.put<{ Body: { scenario?: unknown } }>("/_sim/scenario", async (request, reply) => {
    const scenario = request.body?.scenario ?? null;
    if (scenario !== null && !isScenario(scenario))
      return reply.code(400).send({ error: "unknown scenario" });
    state.scenario = scenario;
    return { scenario };
  });
  app.get<{ Querystring: { limit?: string } }>("/_sim/requests", async (request) => ({
    requests: state.log.slice(-Number(request.query.limit ?? 1000)),
  }));
  app.get<{ Params: { nhs: string } }>("/_sim/patients/:nhs/pointers", async (request) => ({
    pointers: state.pointers.get(request.params.nhs) ?? [],
  }));
  app.post<{ Body: Partial<AddPointer> }>("/_sim/pointers", async (request, reply) => {
    const added = addPointer(state, request.body ?? {});
    return "error" in added ? reply.code(400).send(added) : reply.code(201).send(added);
  });
  app.delete<{ Params: { id: string } }>("/_sim/pointers/:id", async (request, reply) =>
    removePointer(state, request.params.id)
      ? { removed: true }
      : reply.code(404).send({ error: "no such pointer" }),
  );

  // The control page: forms post here and redirect back, so a reload never repeats an action.
  app.get<{ Querystring: { nhs?: string; said?: string } }>("/_sim/", async (request, reply) =>
    reply.type("text/html; charset=utf-8").send(
      controlPage({
        state,
        nhsNumber: request.query.nhs ?? "9991000054",
        said: request.query.said ?? null,
        baseUrl: baseUrl(),
      }),
    ),
  );
  app.post<{ Body: Partial<AddPointer> }>("/_sim/page/add", async (request, reply) => {
    const added = addPointer(state, request.body ?? {});
    const said = "error" in added ? `Refused: ${added.error}` : `Added pointer ${added.id}.`;
    return reply.redirect(
      `/_sim/?${new URLSearchParams({ nhs: String(request.body?.nhsNumber ?? ""), said })}`,
      303,
    );
  });
  app.post<{ Body: { id?: string; nhsNumber?: string } }>("/_sim/page/remove", async (request, reply) => {
    const removed = removePointer(state, String(request.body?.id ?? ""));
    const said = removed ? `Removed pointer ${request.body?.id}.` : "No such pointer.";
    return reply.redirect(
      `/_sim/?${new URLSearchParams({ nhs: String(request.body?.nhsNumber ?? ""), said })}`,
      303,
    );
  });
  app.post<{ Body: { scenario?: string; nhsNumber?: string } }>(
    "/_sim/page/scenario",
    async (request, reply) => {
      const scenario = request.body?.scenario ?? "";
      state.scenario = isScenario(scenario) ? scenario : null;
      const said = `Scenario: ${state.scenario ?? "none"}.`;
      return reply.redirect(
        `/_sim/?${new URLSearchParams({ nhs: String(request.body?.nhsNumber ?? ""), said })}`,
        303,
      );
    },
  );
}
