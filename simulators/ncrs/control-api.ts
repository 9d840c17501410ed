/**
 * The JSON control API under `/_sim/`, for test harnesses: health, the launch log (what the app
 * sent and how far each launch got), and the global scenario. Unauthenticated by design: this
 * is a local test double, never exposed beyond the machine.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { HttpError, readJson, sendJson } from "./http-kit.ts";
import type { NcrsKit } from "./ncrs-kit.ts";
import { GLOBAL_SCENARIO_IDS, SCENARIOS } from "./scenarios.ts";

export const CONTROL_PREFIX = "/_sim/";

const scenarioBody = z.strictObject({ scenario: z.enum(GLOBAL_SCENARIO_IDS).nullable() });

type Handler = (kit: NcrsKit, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const health: Handler = async (kit, _req, res) =>
  sendJson(res, 200, {
    status: "ok",
    launchTemplate: kit.template.template,
    cis2Issuer: kit.cis2Issuer,
    clientId: kit.clientId,
    scenario: kit.scenario.active,
  });

const putScenario: Handler = async (kit, req, res) => {
  const parsed = scenarioBody.safeParse(await readJson(req));
  if (!parsed.success) throw new HttpError(400, z.prettifyError(parsed.error));
  kit.scenario.active = parsed.data.scenario;
  kit.log(`ncrs-sim: global scenario ${parsed.data.scenario ?? "none"}`);
  sendJson(res, 200, { active: kit.scenario.active });
};

const ROUTES: Record<string, Handler> = {
  "GET health": health,
  "GET launches": async (kit, _req, res) => sendJson(res, 200, kit.launches.entries()),
  "POST launches/reset": async (kit, _req, res) => {
    kit.launches.reset();
    sendJson(res, 200, { launches: 0 });
  },
  "GET scenarios": async (kit, _req, res) =>
    sendJson(res, 200, { active: kit.scenario.active, scenarios: SCENARIOS }),
  "PUT scenario": putScenario,
};

/** Handles a request under `/_sim/`. */
export async function handleControlApi(kit: NcrsKit, req: IncomingMessage, res: ServerResponse, url: URL) {
  const path = url.pathname.slice(CONTROL_PREFIX.length);
  const handler = ROUTES[`${req.method} ${path}`];
  try {
    if (!handler) throw new HttpError(404, `no control endpoint ${req.method} ${url.pathname}`);
    await handler(kit, req, res);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 500;
    const message = error instanceof Error ? error.message : String(error);
    if (status === 500) kit.log(`ncrs-sim: control API error: ${message}`);
    sendJson(res, status, { error: message });
  }
}
