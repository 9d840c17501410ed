/**
 * CIS2-hosted role selection: a list of the user's roles (radios), with a search box when there
 * are more than five. Search is a plain GET form so it works without JavaScript.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Interaction } from "oidc-provider";
import { HttpError, readForm, sendHtml } from "./http-kit.ts";
import { cis2Result, clientName, finish, type InteractionKit } from "./interactions.ts";
import { SEARCH_THRESHOLD, searchRoles } from "./roles.ts";
import type { Cis2Session } from "./sessions.ts";
import { type FieldError, rolePage } from "./sign-in-page.ts";
import type { TestUser } from "./users.ts";
import { render } from "./views/render.ts";

type Req = IncomingMessage;
type Res = ServerResponse;

interface RoleContext {
  user: TestUser;
  session: Cis2Session;
}

/** The user choosing and their CIS2 session: from a sign-in in this interaction, or the browser's. */
function roleContext(kit: InteractionKit, details: Interaction): RoleContext {
  const pending = kit.pending.get(details.uid);
  const session = pending
    ? kit.deps.sessions.get(pending.sid)
    : kit.deps.sessions.byBrowser(details.session?.uid);
  const user = kit.deps.directory.user(session?.sub ?? "");
  if (!session || !user) throw new HttpError(400, "There is no CIS2 session to select a role in.");
  return { user, session };
}

async function renderRoles(
  kit: InteractionKit,
  res: Res,
  details: Interaction,
  query: string,
  errors: FieldError[],
): Promise<void> {
  const { user } = roleContext(kit, details);
  const searchable = user.roles.length > SEARCH_THRESHOLD;
  const shown = searchable ? searchRoles(user.roles, user.organisations, query) : user.roles;
  const context = rolePage({
    action: `/sim/interaction/${details.uid}/role`,
    clientName: await clientName(kit, details),
    user,
    shown,
    searchable,
    query: searchable ? query : "",
    errors,
  });
  sendHtml(res, errors.length > 0 ? 400 : 200, render("role", context));
}

/** GET /sim/interaction/:uid/role */
export async function showRoles(
  kit: InteractionKit,
  res: Res,
  details: Interaction,
  url: URL,
): Promise<void> {
  await renderRoles(kit, res, details, url.searchParams.get("q") ?? "", []);
}

/** POST /sim/interaction/:uid/role */
export async function chooseRole(
  kit: InteractionKit,
  req: Req,
  res: Res,
  details: Interaction,
): Promise<void> {
  const roleId = (await readForm(req)).get("role") ?? "";
  const { user, session } = roleContext(kit, details);
  const role = user.roles.find((r) => r.person_roleid === roleId);
  if (!role) {
    await renderRoles(kit, res, details, "", [{ text: "Select a role", href: "#role" }]);
    return;
  }
  session.selectedRoleId = role.person_roleid;
  const pending = kit.pending.get(details.uid);
  kit.pending.delete(details.uid);
  kit.deps.log(`cis2-sim: role selected sub=${user.sub} role=${role.person_roleid}`);
  await finish(kit, req, res, {
    ...(pending ? { login: pending.login } : {}),
    ...cis2Result(session.sid, pending?.scenario, role.person_roleid),
  });
}
