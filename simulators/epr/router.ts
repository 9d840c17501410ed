/**
 * Request routing for the EPR's single port. Never throws: an unexpected error becomes a 500 page
 * and a log line (the EPR is a test double; NCRS Connect's own routes are where 5xx are forbidden).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  callback,
  changeUser,
  connect,
  desktopLaunch,
  type Handler,
  PATIENT_PREFIX,
  sendPage,
  showList,
  showPatient,
} from "./app-routes.ts";
import { ASSET_PREFIX, findAsset } from "./assets.ts";
import { CONTROL_PREFIX, handleControlApi } from "./control-api.ts";
import type { EprKit } from "./epr-kit.ts";
import { sendJson } from "./http-kit.ts";
import { message } from "./layout.ts";
import { CALLBACK_PATH } from "./oauth-client.ts";
import { JWKS_PATH } from "./registration.ts";
import { jwks } from "./signing-key.ts";
import { SMART_LAUNCH_SUFFIX, smartLaunch } from "./smart/launch-route.ts";
import { smartHandlerFor } from "./smart/routes.ts";

const PAGES: Record<string, Handler> = {
  "GET /": showList,
  "POST /epr-user": changeUser,
  "GET /connect": connect,
  [`GET ${CALLBACK_PATH}`]: callback,
  [`GET ${JWKS_PATH}`]: async (kit, _req, res) => sendJson(res, 200, jwks(kit.key)),
};

function handlerFor(req: IncomingMessage, url: URL): Handler | undefined {
  const page = PAGES[`${req.method} ${url.pathname}`] ?? smartHandlerFor(req, url);
  if (page) return page;
  if (req.method !== "GET" || !url.pathname.startsWith(PATIENT_PREFIX)) return undefined;
  if (url.pathname.endsWith(SMART_LAUNCH_SUFFIX)) return smartLaunch;
  return url.pathname.endsWith("/desktop-launch") ? desktopLaunch : showPatient;
}

async function serveAsset(kit: EprKit, res: ServerResponse, url: URL): Promise<void> {
  const asset = await findAsset(url.pathname);
  if (!asset) return sendPage(kit, res, message(404, "Page not found", ["Check the web address."]));
  res.writeHead(200, {
    "content-type": asset.type,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  res.end(asset.body);
}

export async function route(kit: EprKit, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", kit.origin);
  try {
    if (url.pathname.startsWith(CONTROL_PREFIX)) return await handleControlApi(kit, req, res, url);
    if (req.method === "GET" && url.pathname.startsWith(ASSET_PREFIX)) return await serveAsset(kit, res, url);
    const handler = handlerFor(req, url);
    if (handler) return await handler(kit, req, res, url);
    sendPage(kit, res, message(404, "Page not found", ["Check the web address."]));
  } catch (error) {
    kit.log(`epr-sim: error serving ${req.method} ${url.pathname}: ${String(error)}`);
    if (!res.headersSent)
      sendPage(kit, res, message(500, "Sorry, there is a problem with the EPR", ["Try again."]));
    else res.end();
  }
}
