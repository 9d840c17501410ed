/** The EPR's pages, one handler each. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { desktopUrl, launchAudience, signLaunchToken } from "./context-launch.ts";
import { buttonScript } from "./embed-manifest.ts";
import type { EprKit } from "./epr-kit.ts";
import { handOver } from "./handover.ts";
import { readForm, redirect, sendHtml } from "./http-kit.ts";
import { message, type Page } from "./layout.ts";
import { authorizationUrl, completeConnect } from "./oauth-client.ts";
import { desktopLaunchPage, patientListPage, patientPage } from "./pages.ts";
import { type EprPatient, findPatient } from "./patients.ts";
import { activeConnection, type EprSession, sessionCookie } from "./sessions.ts";
import { smartLaunchPath } from "./smart/launch-route.ts";
import { type EprUser, findUser, otherUser } from "./users.ts";

export type Handler = (kit: EprKit, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export const PATIENT_PREFIX = "/patients/";

export function open(
  kit: EprKit,
  req: IncomingMessage,
): { session: EprSession; headers: Record<string, string> } {
  const { session, created } = kit.sessions.fromRequest(req);
  return { session, headers: created ? { "set-cookie": sessionCookie(session) } : {} };
}

export function sendPage(kit: EprKit, res: ServerResponse, page: Page, headers: Record<string, string> = {}) {
  sendHtml(res, page.status, page.html, kit.csp, headers);
}

/** Only a path on the EPR itself: never an open redirect. */
function localPath(value: string | null): string {
  return value?.startsWith("/") && !value.startsWith("//") && !value.includes("\\") ? value : "/";
}

function userOf(session: EprSession): EprUser {
  return findUser(session.userSub) ?? otherUser("");
}

export const showList: Handler = async (kit, req, res) => {
  const { session, headers } = open(kit, req);
  sendPage(kit, res, patientListPage(userOf(session), activeConnection(session) !== null), headers);
};

export const changeUser: Handler = async (kit, req, res) => {
  const { session, headers } = open(kit, req);
  const form = await readForm(req);
  const user = findUser(form.get("user") ?? "");
  if (!user)
    return sendPage(kit, res, message(400, "Unknown EPR user", ["Pick a user from the list."]), headers);
  session.userSub = user.sub;
  redirect(res, localPath(form.get("returnTo")), headers);
};

export const connect: Handler = async (kit, req, res, url) => {
  const { session, headers } = open(kit, req);
  redirect(res, authorizationUrl(kit, session, localPath(url.searchParams.get("returnTo"))), headers);
};

export const callback: Handler = async (kit, req, res, url) => {
  const { session, headers } = open(kit, req);
  const result = await completeConnect(kit, session, url.searchParams);
  if (result.ok) return redirect(res, result.returnTo, headers);
  kit.log(`epr-sim: connect failed: ${result.reason}`);
  sendPage(kit, res, message(400, "Could not connect to NCRS Connect", [result.reason]), headers);
};

export function patientOf(url: URL, suffix = ""): EprPatient | undefined {
  const rest = url.pathname.slice(PATIENT_PREFIX.length);
  if (!rest.endsWith(suffix)) return undefined;
  try {
    return findPatient(decodeURIComponent(rest.slice(0, rest.length - suffix.length)));
  } catch {
    return undefined; // a malformed %-escape names no patient
  }
}

function launchContext(session: EprSession, patient: EprPatient) {
  const user = userOf(session);
  return {
    patient,
    userHint: (patient.otherUserHint ? otherUser(user.sub) : user).sub,
    windowId: session.windowId,
    encounter: `Encounter/riverside-${patient.mrn}`,
  };
}

export const notFound = () =>
  message(404, "Patient not found", ["No patient with that MRN is on this EPR's list."]);

export const showPatient: Handler = async (kit, req, res, url) => {
  const { session, headers } = open(kit, req);
  const patient = patientOf(url);
  if (!patient) return sendPage(kit, res, notFound(), headers);
  const user = userOf(session);
  const context = launchContext(session, patient);
  const connection = activeConnection(session);
  const [handover, script, link] = await Promise.all([
    connection ? handOver(kit, session, connection, patient) : undefined,
    connection ? buttonScript(kit) : undefined,
    desktopUrl(kit, context),
  ]);
  // A token NCRS Connect no longer accepts is dropped: the page offers Connect again.
  if (handover && !handover.ok && handover.status === 401) session.connection = null;
  const view = {
    patient,
    user,
    hintUser: findUser(context.userHint) ?? user,
    ncrsConnectUrl: kit.ncrsConnectUrl,
    connection: handover && script && session.connection ? { handover, script } : null,
    desktopUrl: link,
    smartApps: kit.smart.apps.map((app) => ({
      clientId: app.clientId,
      label: app.label ?? "Open NCRS Connect",
      href: smartLaunchPath(patient.mrn, app.clientId),
    })),
  };
  sendPage(kit, res, patientPage(view), headers);
};

export const desktopLaunch: Handler = async (kit, req, res, url) => {
  const { session, headers } = open(kit, req);
  const patient = patientOf(url, "/desktop-launch");
  if (!patient) return sendPage(kit, res, notFound(), headers);
  const token = await signLaunchToken(kit, launchContext(session, patient));
  kit.calls.issued(token, "form", patient.mrn);
  sendPage(kit, res, desktopLaunchPage(launchAudience(kit), token, patient), headers);
};
