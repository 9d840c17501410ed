/**
 * Request routing for the simulator's single port. Its own pages are matched first, on fixed
 * paths under `/nationalcarerecordsservice/`; the launch route comes from the configured template
 * and is tried after them, so a template with a path placeholder (`/app/{nhsNumber}`) never hides
 * the simulator's pages. The control API and assets are never subject to a scenario.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { changeRole, confirmRole, showLanding, showPatientPage, signOut } from "./app-routes.ts";
import { ASSET_PREFIX, findAsset } from "./assets.ts";
import { handleBackchannelLogout } from "./backchannel-logout.ts";
import { CONTROL_PREFIX, handleControlApi } from "./control-api.ts";
import {
  BACKCHANNEL_LOGOUT_PATH,
  CALLBACK_PATH,
  CHANGE_ROLE_PATH,
  LANDING_PATH,
  PATIENT_PREFIX,
  SIGN_OUT_PATH,
  sendPage,
} from "./journey.ts";
import { handleCallback, handleLaunch } from "./launch-routes.ts";
import type { NcrsKit } from "./ncrs-kit.ts";
import { errorPage, pageNotFoundPage } from "./pages.ts";
import { answerScenario } from "./scenario-gate.ts";

type Req = IncomingMessage;
type Res = ServerResponse;
type PageHandler = (kit: NcrsKit, req: Req, res: Res, url: URL) => Promise<void>;

/** The simulator's own pages by `METHOD path`. */
const PAGES: Record<string, PageHandler> = {
  [`GET ${CALLBACK_PATH}`]: handleCallback,
  [`GET ${LANDING_PATH}`]: showLanding,
  [`POST ${LANDING_PATH}`]: (kit, req, res) => confirmRole(kit, req, res),
  [`GET ${CHANGE_ROLE_PATH}`]: changeRole,
  [`POST ${SIGN_OUT_PATH}`]: (kit, req, res) => signOut(kit, req, res),
  [`POST ${BACKCHANNEL_LOGOUT_PATH}`]: (kit, req, res) => handleBackchannelLogout(kit, req, res),
};

/** Paths the launch template must not name: the launch would never be reached. */
export const RESERVED_PATHS = [
  CALLBACK_PATH,
  LANDING_PATH,
  CHANGE_ROLE_PATH,
  SIGN_OUT_PATH,
  BACKCHANNEL_LOGOUT_PATH,
];

function pageHandler(req: Req, url: URL): PageHandler | undefined {
  const handler = PAGES[`${req.method} ${url.pathname}`];
  if (handler) return handler;
  if (req.method === "GET" && url.pathname.startsWith(PATIENT_PREFIX)) return showPatientPage;
  return undefined;
}

async function serveAsset(res: Res, url: URL): Promise<void> {
  const asset = await findAsset(url.pathname);
  if (!asset) return sendPage(res, pageNotFoundPage());
  res.writeHead(200, { "content-type": asset.type, "cache-control": "public, max-age=3600" });
  res.end(asset.body);
}

async function routePage(kit: NcrsKit, req: Req, res: Res, url: URL): Promise<void> {
  const handler = pageHandler(req, url);
  const launchParams = handler || req.method !== "GET" ? undefined : kit.template.read(url);
  // The launch route logs first and applies the scenario itself, so an unavailable NCRS still
  // shows in the log that the app sent the launch.
  if (launchParams) return handleLaunch(kit, req, res, launchParams);
  if (await answerScenario(kit, res)) return;
  if (handler) return handler(kit, req, res, url);
  sendPage(res, pageNotFoundPage());
}

/** Routes one request; never throws (errors become a 500 page and a log line). */
export async function route(kit: NcrsKit, req: Req, res: Res): Promise<void> {
  // Requests are read against the public origin: the CIS2 callback's redirect_uri is rebuilt from it.
  const url = new URL(req.url ?? "/", kit.origin);
  try {
    if (url.pathname.startsWith(CONTROL_PREFIX)) return await handleControlApi(kit, req, res, url);
    if (req.method === "GET" && url.pathname.startsWith(ASSET_PREFIX)) return await serveAsset(res, url);
    await routePage(kit, req, res, url);
  } catch (error) {
    kit.log(`ncrs-sim: error serving ${req.method} ${url.pathname}: ${String(error)}`);
    if (!res.headersSent) sendPage(res, errorPage());
    else res.end();
  }
}
