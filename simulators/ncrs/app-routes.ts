/**
 * NCRS's own pages after sign-in: role confirmation (like NCRS's `/app/landing`, with its
 * `#confirm-current-role` button), change of role, the patient record and sign-out. Every page
 * that names a launch only serves it to the session that launched it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readForm } from "./http-kit.ts";
import { beginSignIn, ownLaunch, PATIENT_PREFIX, proceed, sendPage, showPatient } from "./journey.ts";
import type { NcrsKit } from "./ncrs-kit.ts";
import { expiredLinkPage, landingPage, signedOutPage } from "./pages.ts";
import { clearedSessionCookie } from "./sessions.ts";

type Req = IncomingMessage;
type Res = ServerResponse;

/** GET the role-confirmation page for a launch. */
export async function showLanding(kit: NcrsKit, req: Req, res: Res, url: URL): Promise<void> {
  const session = kit.sessions.find(req);
  const launch = ownLaunch(kit, session, url.searchParams.get("launch"));
  if (!session || !launch) return sendPage(res, expiredLinkPage());
  if (!session.user) return beginSignIn(kit, res, session, launch);
  if (!session.user.permitted || session.roleConfirmed) return proceed(kit, res, session, launch);
  sendPage(res, landingPage(session.user, launch.entry.id));
}

/** POST "Confirm and continue": the role is confirmed for the rest of the session. */
export async function confirmRole(kit: NcrsKit, req: Req, res: Res): Promise<void> {
  const form = await readForm(req);
  const session = kit.sessions.find(req);
  const launch = ownLaunch(kit, session, form.get("launch"));
  if (!session || !launch) return sendPage(res, expiredLinkPage());
  if (!session.user) return beginSignIn(kit, res, session, launch);
  if (session.user.permitted) {
    session.roleConfirmed = true;
    kit.log(`ncrs-sim: ${session.user.sub} confirmed role ${session.user.role?.roleId ?? "none"}`);
  }
  proceed(kit, res, session, launch);
}

/** GET "Change role": back through CIS2 with `changedrole`, so CIS2 offers the roles again. */
export async function changeRole(kit: NcrsKit, req: Req, res: Res, url: URL): Promise<void> {
  const session = kit.sessions.find(req);
  const launch = ownLaunch(kit, session, url.searchParams.get("launch"));
  if (!session || !launch) return sendPage(res, expiredLinkPage());
  await beginSignIn(kit, res, session, launch, true);
}

/** GET the patient page of a launch; anything not yet allowed goes back through the journey. */
export async function showPatientPage(kit: NcrsKit, req: Req, res: Res, url: URL): Promise<void> {
  const session = kit.sessions.find(req);
  const launchId = decodeURIComponent(url.pathname.slice(PATIENT_PREFIX.length));
  const launch = ownLaunch(kit, session, launchId);
  if (!session || !launch) return sendPage(res, expiredLinkPage());
  if (!session.user) return beginSignIn(kit, res, session, launch);
  if (!session.user.permitted || !session.roleConfirmed) return proceed(kit, res, session, launch);
  showPatient(kit, res, session.user, launch);
}

/** POST sign-out: ends the NCRS session only (CIS2's session is CIS2's business). */
export async function signOut(kit: NcrsKit, req: Req, res: Res): Promise<void> {
  const session = kit.sessions.find(req);
  if (session) {
    kit.sessions.end(session.id);
    kit.log(`ncrs-sim: ${session.user?.sub ?? "anonymous"} signed out`);
  }
  const page = signedOutPage();
  res.setHeader("set-cookie", clearedSessionCookie());
  sendPage(res, page);
}
