/**
 * Request routing for the simulator's single HTTP port: the OpenID provider under the issuer's
 * path (as CIS2 serves it under AM's realm path), and the simulator's own pages and control API
 * under /sim/.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ASSET_PREFIX, serveAsset } from "./assets.ts";
import { type ControlKit, handleControlApi } from "./control-api.ts";
import { endSessionFromPage, showControlPage } from "./control-page.ts";
import { sendHtml } from "./http-kit.ts";
import { type InteractionKit, interactionProblem, showInteraction, signIn } from "./interactions.ts";
import { INTERACTION_PREFIX, ISSUER_PATH } from "./provider.ts";
import { chooseRole, showRoles } from "./role-selection.ts";

type Req = IncomingMessage;
type Res = ServerResponse;

export interface RouterKit {
  interactions: InteractionKit;
  control: ControlKit;
  providerCallback: (req: Req, res: Res) => unknown;
}

/** Hands a request to the provider with the issuer path stripped, as a mounted Koa app expects. */
function forwardToProvider(kit: RouterKit, req: Req, res: Res): void {
  const originalUrl = req.url ?? "/";
  Object.assign(req, { originalUrl });
  req.url = originalUrl.slice(ISSUER_PATH.length) || "/";
  kit.providerCallback(req, res);
}

async function routeInteraction(kit: InteractionKit, req: Req, res: Res, url: URL): Promise<void> {
  const [uid = "", step = ""] = url.pathname.slice(INTERACTION_PREFIX.length).split("/");
  try {
    const details = await kit.provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error("This page belongs to a different sign-in.");
    const route = `${req.method} ${step}`;
    if (route === "GET ") return await showInteraction(kit, req, res, details);
    if (route === "POST sign-in") return await signIn(kit, req, res, details);
    if (route === "GET role") return await showRoles(kit, res, details, url);
    if (route === "POST role") return await chooseRole(kit, req, res, details);
    notFound(res);
  } catch (error) {
    interactionProblem(res, error);
  }
}

function notFound(res: Res): void {
  sendHtml(res, 404, "<!DOCTYPE html><title>Not found</title><p>Not found.</p>");
}

async function routeSim(kit: RouterKit, req: Req, res: Res, url: URL): Promise<void> {
  const path = url.pathname;
  if (path.startsWith("/sim/api/"))
    return handleControlApi(kit.control, req, res, path.slice("/sim/api".length));
  if (path.startsWith(INTERACTION_PREFIX)) return routeInteraction(kit.interactions, req, res, url);
  if (req.method === "GET" && path.startsWith(ASSET_PREFIX)) {
    if (!(await serveAsset(path, res))) notFound(res);
    return;
  }
  if (req.method === "GET" && (path === "/sim" || path === "/sim/"))
    return showControlPage(kit.control, res, url);
  if (req.method === "POST" && path === "/sim/sessions/end") return endSessionFromPage(kit.control, req, res);
  notFound(res);
}

/** Routes one request; never throws (errors become a 500 page and a log line). */
export async function route(kit: RouterKit, req: Req, res: Res): Promise<void> {
  const url = new URL(req.url ?? "/", "http://simulator.invalid");
  try {
    if (url.pathname === ISSUER_PATH || url.pathname.startsWith(`${ISSUER_PATH}/`)) {
      forwardToProvider(kit, req, res);
    } else if (url.pathname === "/") {
      res.writeHead(303, { location: "/sim/" }).end();
    } else {
      await routeSim(kit, req, res, url);
    }
  } catch (error) {
    kit.control.deps.log(`cis2-sim: error serving ${req.method} ${url.pathname}: ${String(error)}`);
    if (!res.headersSent) sendHtml(res, 500, "<!DOCTYPE html><title>Error</title><p>Simulator error.</p>");
    else res.end();
  }
}
