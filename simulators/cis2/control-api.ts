/**
 * The JSON control API under /sim/api/, for test harnesses: register clients, pin scenarios to
 * users, list and end CIS2 sessions (delivering back-channel logout tokens), and mint logout tokens
 * without delivering them so tests can forge and replay them against a relying party.
 * Unauthenticated by design: this is a local test double, never exposed beyond the machine.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { buildLogoutToken, LOGOUT_TOKEN_VARIANTS } from "./backchannel-logout.ts";
import { type Cis2ClientRegistration, registrationProblems } from "./clients.ts";
import { HttpError, readJson, sendJson } from "./http-kit.ts";
import { isScenarioId, SCENARIOS } from "./scenarios.ts";
import type { SessionEnding } from "./session-ending.ts";
import type { Cis2Session } from "./sessions.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";
import { displayName } from "./users.ts";

export interface ControlKit {
  deps: SimulatorDeps;
  ending: SessionEnding;
  registerClient(registration: unknown): Promise<Cis2ClientRegistration>;
}

type Handler = (
  kit: ControlKit,
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
) => Promise<void>;

const endSchema = z.union([z.object({ sid: z.string().min(1) }), z.object({ sub: z.string().min(1) })]);
const logoutTokenSchema = z.object({
  sid: z.string().min(1),
  sub: z.string().min(1),
  client_id: z.string().min(1),
  variant: z.enum(LOGOUT_TOKEN_VARIANTS).optional(),
});
const scenarioSchema = z.object({ scenario: z.union([z.string(), z.null()]) });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new HttpError(400, z.prettifyError(result.error));
  return result.data;
}

/** The JSON view of a CIS2 session. */
export function sessionJson(session: Cis2Session) {
  return {
    sid: session.sid,
    sub: session.sub,
    authenticator: session.authenticatorId,
    acr: session.acr,
    amr: session.amr,
    auth_time: session.authTime,
    selected_roleid: session.selectedRoleId ?? null,
    client_ids: [...session.clientIds],
  };
}

const putClient: Handler = async (kit, req, res, [clientId]) => {
  const body = await readJson(req);
  const withId = typeof body === "object" && body !== null ? { client_id: clientId, ...body } : body;
  const problems = registrationProblems(withId);
  if (problems.length > 0) throw new HttpError(400, problems.join("; "));
  if ((withId as { client_id: unknown }).client_id !== clientId) {
    throw new HttpError(400, "client_id in the body differs from the one in the path");
  }
  sendJson(res, 200, await kit.registerClient(withId));
};

const putUserScenario: Handler = async (kit, req, res, [sub = ""]) => {
  if (!kit.deps.directory.user(sub)) throw new HttpError(404, `no test user ${sub}`);
  const { scenario } = parse(scenarioSchema, await readJson(req));
  if (scenario !== null && !isScenarioId(scenario)) throw new HttpError(400, `unknown scenario ${scenario}`);
  kit.deps.userScenarios.set(sub, scenario);
  kit.deps.log(`cis2-sim: scenario for sub=${sub} set to ${scenario ?? "none"}`);
  sendJson(res, 200, { sub, scenario });
};

const endSessions: Handler = async (kit, req, res) => {
  const target = parse(endSchema, await readJson(req));
  const reason = "ended through the control API";
  const ended = "sid" in target ? [target.sid] : kit.deps.sessions.bySub(target.sub).map((s) => s.sid);
  const live = ended.filter((sid) => kit.deps.sessions.get(sid));
  if (live.length === 0) throw new HttpError(404, "no active CIS2 session matches");
  const deliveries = (await Promise.all(live.map((sid) => kit.ending.end(sid, reason)))).flat();
  sendJson(res, 200, { ended: live, deliveries });
};

const mintLogoutToken: Handler = async (kit, req, res) => {
  const input = parse(logoutTokenSchema, await readJson(req));
  const logoutToken = await buildLogoutToken(kit.deps.keys, {
    issuer: kit.deps.issuer,
    clientId: input.client_id,
    sub: input.sub,
    sid: input.sid,
    variant: input.variant ?? "valid",
  });
  sendJson(res, 200, { logout_token: logoutToken });
};

const listUsers: Handler = async (kit, _req, res) => {
  sendJson(
    res,
    200,
    kit.deps.directory.users.map((u) => ({
      sub: u.sub,
      name: displayName(u),
      authenticators: u.authenticatorIds,
      role_ids: u.roles.map((r) => r.person_roleid),
      scenario: kit.deps.userScenarios.get(u.sub) ?? null,
    })),
  );
};

const ROUTES: [method: string, pattern: RegExp, handler: Handler][] = [
  [
    "GET",
    /^\/health$/,
    async (kit, _req, res) => sendJson(res, 200, { status: "ok", issuer: kit.deps.issuer }),
  ],
  ["GET", /^\/scenarios$/, async (_kit, _req, res) => sendJson(res, 200, SCENARIOS)],
  ["GET", /^\/users$/, listUsers],
  ["PUT", /^\/users\/([^/]+)\/scenario$/, putUserScenario],
  ["GET", /^\/clients$/, async (kit, _req, res) => sendJson(res, 200, kit.deps.clients.all())],
  ["PUT", /^\/clients\/([^/]+)$/, putClient],
  [
    "GET",
    /^\/sessions$/,
    async (kit, _req, res) => sendJson(res, 200, kit.deps.sessions.all().map(sessionJson)),
  ],
  ["POST", /^\/sessions\/end$/, endSessions],
  ["POST", /^\/logout-tokens$/, mintLogoutToken],
];

/** Handles `/sim/api/…` requests; `path` is the part after `/sim/api`. */
export async function handleControlApi(
  kit: ControlKit,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  try {
    for (const [method, pattern, handler] of ROUTES) {
      const match = pattern.exec(path);
      if (!match) continue;
      if (req.method !== method) continue;
      await handler(kit, req, res, match.slice(1).map(decodeURIComponent));
      return;
    }
    throw new HttpError(404, `no control endpoint ${req.method} /sim/api${path}`);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 500;
    const message = error instanceof Error ? error.message : String(error);
    if (status === 500) kit.deps.log(`cis2-sim: control API error: ${message}`);
    sendJson(res, status, { error: message });
  }
}
