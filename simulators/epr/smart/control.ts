/**
 * The SMART part of the control API (`/_sim/api/smart/…`): the request log, the current scenario,
 * the registered apps (without secrets), and expiring a launch id early.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EprKit } from "../epr-kit.ts";
import { HttpError, readJson, sendJson } from "../http-kit.ts";
import { isObject } from "../ncrs-client.ts";
import { publicView } from "./registrations.ts";
import { isSmartScenario, SMART_SCENARIOS } from "./scenarios.ts";

type Handler = (kit: EprKit, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const scenarioView = (kit: EprKit) => ({ scenario: kit.smart.scenario.current, scenarios: SMART_SCENARIOS });

const putScenario: Handler = async (kit, req, res) => {
  const body = await readJson(req);
  const scenario = isObject(body) ? body["scenario"] : undefined;
  if (!isSmartScenario(scenario))
    throw new HttpError(400, `scenario must be one of ${Object.keys(SMART_SCENARIOS).join(", ")}`);
  kit.smart.scenario.set(scenario);
  kit.log(`epr-sim: SMART scenario now ${scenario}`);
  sendJson(res, 200, scenarioView(kit));
};

const expireLaunch: Handler = async (kit, req, res) => {
  const body = await readJson(req);
  const launch = isObject(body) ? body["launch"] : undefined;
  if (typeof launch !== "string" || !kit.smart.launches.expire(launch))
    throw new HttpError(404, "launch must be a live launch id");
  sendJson(res, 200, { launch, expired: true });
};

export const SMART_CONTROL_ROUTES: Record<string, Handler> = {
  "GET smart/requests": async (kit, _req, res) => sendJson(res, 200, kit.smart.requests.entries()),
  "GET smart/scenario": async (kit, _req, res) => sendJson(res, 200, scenarioView(kit)),
  "PUT smart/scenario": putScenario,
  "GET smart/apps": async (kit, _req, res) =>
    sendJson(res, 200, { ...kit.smart.urls, apps: kit.smart.apps.map(publicView) }),
  "POST smart/launches/expire": expireLaunch,
};

/** What `POST /_sim/api/reset` does to the SMART side: log emptied, scenario back to normal. */
export function resetSmart(kit: EprKit): void {
  kit.smart.requests.reset();
  kit.smart.scenario.set("normal");
}
