/**
 * The steps a launch goes through, shared by every route that moves it on: sign in with CIS2,
 * check the role, have the user confirm it, show the patient. Each step records the launch's
 * outcome, so the launch log says where a journey stopped.
 */
import type { ServerResponse } from "node:http";
import { redirect, sendHtml } from "./http-kit.ts";
import type { Launch } from "./launch-log.ts";
import type { NcrsKit } from "./ncrs-kit.ts";
import { accessDeniedPage, type Page, patientNotFoundPage, patientPage } from "./pages.ts";
import { type NcrsSession, type SignedInUser, sessionCookie } from "./sessions.ts";

export const BASE = "/nationalcarerecordsservice";
export const CALLBACK_PATH = `${BASE}/oidc/callback`;
export const LANDING_PATH = `${BASE}/app/landing`;
export const CHANGE_ROLE_PATH = `${BASE}/app/change-role`;
export const SIGN_OUT_PATH = `${BASE}/app/sign-out`;
export const BACKCHANNEL_LOGOUT_PATH = `${BASE}/oidc/backchannel-logout`;
export const PATIENT_PREFIX = `${BASE}/app/patient/`;

/** More unanswered sign-ins than this in one session means abandoned tabs; the oldest go. */
const MAX_PENDING = 20;

export function sendPage(res: ServerResponse, page: Page): void {
  sendHtml(res, page.status, page.html);
}

function who(user: SignedInUser) {
  return { user: user.sub, roleId: user.role?.roleId ?? null };
}

/** Sends the browser to CIS2 for this launch; `changeRole` asks CIS2 to offer the roles again. */
export async function beginSignIn(
  kit: NcrsKit,
  res: ServerResponse,
  session: NcrsSession,
  launch: Launch,
  changeRole = false,
): Promise<void> {
  const checks = kit.cis2.newChecks();
  if (session.pending.size >= MAX_PENDING) {
    const oldest = session.pending.keys().next();
    if (!oldest.done) session.pending.delete(oldest.value);
  }
  session.pending.set(checks.state, {
    nonce: checks.nonce,
    codeVerifier: checks.codeVerifier,
    launchId: launch.entry.id,
  });
  launch.sessionId = session.id;
  kit.launches.update(launch.entry.id, "pending_sign_in");
  const url = await kit.cis2.authorizationUrl(checks, changeRole);
  redirect(res, url.href, { "set-cookie": sessionCookie(session) });
}

/** The patient page's address for a launch. */
export function patientPath(launch: Launch): string {
  return `${PATIENT_PREFIX}${encodeURIComponent(launch.entry.id)}`;
}

/**
 * Moves a launch on for a signed-in session: refuse a role without the required activity,
 * ask for role confirmation once per session, then show the patient.
 */
export function proceed(kit: NcrsKit, res: ServerResponse, session: NcrsSession, launch: Launch): void {
  const user = session.user;
  if (!user) throw new Error("proceed() needs a signed-in session");
  launch.sessionId = session.id;
  const id = launch.entry.id;
  if (!user.permitted) {
    kit.launches.update(id, "access_denied", who(user));
    sendPage(res, accessDeniedPage(user, id, kit.requiredActivityCodes));
    return;
  }
  if (!session.roleConfirmed) {
    kit.launches.update(id, "pending_role_confirmation", who(user));
    redirect(res, `${LANDING_PATH}?launch=${encodeURIComponent(id)}`);
    return;
  }
  kit.launches.identify(id, who(user));
  redirect(res, patientPath(launch));
}

/** Shows the launch's patient to a confirmed, permitted session, recording shown or not_found. */
export function showPatient(kit: NcrsKit, res: ServerResponse, user: SignedInUser, launch: Launch): void {
  const nhsNumber = launch.entry.nhsNumber ?? "";
  const record = kit.records.get(nhsNumber);
  kit.launches.update(launch.entry.id, record ? "shown" : "not_found", who(user));
  sendPage(res, record ? patientPage(user, nhsNumber, record) : patientNotFoundPage(user, nhsNumber));
}

/** The launch named by a page's `launch` value, if it belongs to this session. */
export function ownLaunch(kit: NcrsKit, session: NcrsSession | undefined, launchId: string | null) {
  const launch = launchId ? kit.launches.get(launchId) : undefined;
  if (!session || !launch || launch.sessionId !== session.id) return undefined;
  return launch;
}
