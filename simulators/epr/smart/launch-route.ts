/**
 * "Open NCRS Connect" on a patient's page: `GET /patients/{mrn}/smart-launch?app={clientId}` makes
 * a launch id for this patient, its encounter, the EPR user and this browser session, and sends the
 * browser to the app's launch URL with `iss` and `launch` (SMART EHR launch). `&scenario=` gives
 * this launch its own scenario; `&encounter=none` launches without an encounter.
 */
import { type Handler, notFound, open, patientOf, sendPage } from "../app-routes.ts";
import { redirect } from "../http-kit.ts";
import { message } from "../layout.ts";
import { encounterId } from "./resources.ts";
import { isSmartScenario, SMART_SCENARIOS } from "./scenarios.ts";
import { findApp } from "./smart-kit.ts";

export const SMART_LAUNCH_SUFFIX = "/smart-launch";

export function smartLaunchPath(mrn: string, clientId: string): string {
  return `/patients/${encodeURIComponent(mrn)}${SMART_LAUNCH_SUFFIX}?app=${encodeURIComponent(clientId)}`;
}

export const smartLaunch: Handler = async (kit, req, res, url) => {
  const { session, headers } = open(kit, req);
  const patient = patientOf(url, SMART_LAUNCH_SUFFIX);
  if (!patient) return sendPage(kit, res, notFound(), headers);
  const app = findApp(kit.smart, url.searchParams.get("app"));
  if (!app)
    return sendPage(
      kit,
      res,
      message(404, "App not found", ["No app with that client id is registered."]),
      headers,
    );
  const scenario = url.searchParams.get("scenario");
  if (scenario !== null && !isSmartScenario(scenario)) {
    const known = Object.keys(SMART_SCENARIOS).join(", ");
    return sendPage(kit, res, message(400, "Unknown scenario", [`Use one of: ${known}.`]), headers);
  }
  const withEncounter = url.searchParams.get("encounter") !== "none";
  const launch = kit.smart.launches.create({
    clientId: app.clientId,
    patient: patient.mrn,
    ...(withEncounter ? { encounter: encounterId(patient.mrn) } : {}),
    userSub: session.userSub,
    sessionId: session.id,
    ...(scenario ? { scenario } : {}),
  });
  const target = new URL(app.launchUrl);
  target.searchParams.set("iss", kit.smart.urls.iss);
  target.searchParams.set("launch", launch.id);
  kit.smart.requests.add({
    endpoint: "launch",
    method: "GET",
    path: url.pathname,
    clientId: app.clientId,
    params: {
      patient: patient.mrn,
      launch: launch.id,
      ...(launch.encounter ? { encounter: launch.encounter } : {}),
    },
    status: 303,
    scenario: kit.smart.scenario.for(launch),
  });
  redirect(res, target.href, headers);
};
