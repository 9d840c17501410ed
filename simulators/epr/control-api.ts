/**
 * The JSON control API under `/_sim/api/`, for test harnesses: health, the calls the EPR's back end
 * made to NCRS Connect with their answers, the launch tokens it issued, the EPR user, and the
 * SMART side (smart/control.ts).
 * Unauthenticated by design: a local test double, never exposed beyond the machine.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EprKit } from "./epr-kit.ts";
import { HttpError, readJson, sendJson } from "./http-kit.ts";
import { isObject } from "./ncrs-client.ts";
import { resetSmart, SMART_CONTROL_ROUTES } from "./smart/control.ts";
import { EPR_USERS, findUser } from "./users.ts";

export const CONTROL_PREFIX = "/_sim/api/";

type Handler = (kit: EprKit, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Sets the EPR user of every session and of sessions yet to come. */
const putUser: Handler = async (kit, req, res) => {
  const body = await readJson(req);
  const user = isObject(body) && typeof body["sub"] === "string" ? findUser(body["sub"]) : undefined;
  if (!user) throw new HttpError(400, `sub must be one of ${EPR_USERS.map((u) => u.sub).join(", ")}`);
  kit.defaultUser.sub = user.sub;
  for (const session of kit.sessions.all()) session.userSub = user.sub;
  kit.log(`epr-sim: EPR user now ${user.sub}`);
  sendJson(res, 200, { user });
};

const ROUTES: Record<string, Handler> = {
  "GET health": async (kit, _req, res) =>
    sendJson(res, 200, {
      status: "ok",
      ncrsConnectUrl: kit.ncrsConnectUrl,
      clientId: kit.clientId,
      kid: kit.key.kid,
      user: kit.defaultUser.sub,
    }),
  "GET calls": async (kit, _req, res) => sendJson(res, 200, kit.calls.entries()),
  "GET tokens": async (kit, _req, res) => sendJson(res, 200, kit.calls.tokens()),
  "POST reset": async (kit, _req, res) => {
    kit.calls.reset();
    resetSmart(kit);
    sendJson(res, 200, { calls: 0 });
  },
  "GET users": async (_kit, _req, res) => sendJson(res, 200, EPR_USERS),
  "PUT user": putUser,
  ...SMART_CONTROL_ROUTES,
};

export async function handleControlApi(kit: EprKit, req: IncomingMessage, res: ServerResponse, url: URL) {
  const handler = ROUTES[`${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`];
  try {
    if (!handler) throw new HttpError(404, `no control route ${req.method} ${url.pathname}`);
    await handler(kit, req, res);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    sendJson(res, error.status, { error: error.message });
  }
}
