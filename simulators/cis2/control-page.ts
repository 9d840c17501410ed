/**
 * The human control page at /sim/: who is signed in, a button per session that does what removing
 * an Identity Agent smartcard does (end the CIS2 session, send back-channel logout), the recent
 * deliveries, registered services, test users and the scenario catalogue.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControlKit } from "./control-api.ts";
import { readForm, redirect, sendHtml } from "./http-kit.ts";
import { SCENARIOS } from "./scenarios.ts";
import { displayName } from "./users.ts";
import { render } from "./views/render.ts";

function sessionRows(kit: ControlKit) {
  const { directory, sessions, clients } = kit.deps;
  return sessions.all().map((s) => {
    const user = directory.user(s.sub);
    return {
      sid: s.sid,
      sub: s.sub,
      userName: user ? displayName(user) : s.sub,
      authenticator: directory.authenticator(s.authenticatorId)?.label ?? s.authenticatorId,
      clients: [...s.clientIds].map((id) => clients.get(id)?.client_name ?? id).join(", "),
    };
  });
}

function noticeFor(url: URL): { notice?: string; noticeSuccess?: boolean } {
  const ended = url.searchParams.get("ended");
  if (ended === null) return {};
  return ended
    ? { notice: `CIS2 session ${ended} ended.`, noticeSuccess: true }
    : { notice: "That session had already ended." };
}

/** GET /sim/ */
export function showControlPage(kit: ControlKit, res: ServerResponse, url: URL): void {
  const { directory, userScenarios, clients } = kit.deps;
  const html = render("control", {
    title: "Control",
    issuer: kit.deps.issuer,
    discovery: `${kit.deps.issuer}/.well-known/openid-configuration`,
    ...noticeFor(url),
    sessions: sessionRows(kit),
    deliveries: kit.ending.recent(),
    clients: clients.all(),
    users: directory.users.map((u) => ({
      sub: u.sub,
      name: displayName(u),
      roles: u.roles.length,
      scenario: userScenarios.get(u.sub),
    })),
    scenarios: SCENARIOS,
  });
  sendHtml(res, 200, html);
}

/** POST /sim/sessions/end (the "Remove smartcard" button). */
export async function endSessionFromPage(kit: ControlKit, req: IncomingMessage, res: ServerResponse) {
  const sid = (await readForm(req)).get("sid") ?? "";
  const live = kit.deps.sessions.get(sid) !== undefined;
  if (live) await kit.ending.end(sid, "smartcard removed on the control page");
  redirect(res, `/sim/?ended=${live ? encodeURIComponent(sid) : ""}`);
}
