/**
 * The two routes that start and resume a launch: the launch route derived from the configured
 * template (where the point-of-care app sends the browser), and the CIS2 callback.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { beginSignIn, proceed, sendPage } from "./journey.ts";
import type { Launch } from "./launch-log.ts";
import { NHS_NUMBER_PLACEHOLDER } from "./launch-template.ts";
import type { NcrsKit } from "./ncrs-kit.ts";
import { isValidNhsNumber } from "./nhs-number.ts";
import { expiredLinkPage, invalidNhsNumberPage, signInFailedPage } from "./pages.ts";
import { answerScenario } from "./scenario-gate.ts";
import { isPermitted, selectedRole } from "./selected-role.ts";
import type { NcrsSession, PendingAuthorization } from "./sessions.ts";

function recordLaunch(kit: NcrsKit, req: IncomingMessage, params: Record<string, string | null>) {
  const referer = req.headers.referer;
  const launch: Launch = {
    entry: {
      id: randomUUID(),
      at: new Date().toISOString(),
      nhsNumber: params[NHS_NUMBER_PLACEHOLDER] ?? null,
      params,
      outcome: "pending_sign_in",
      user: null,
      roleId: null,
      referer: typeof referer === "string" ? referer : null,
    },
    sessionId: null,
  };
  kit.launches.add(launch);
  kit.log(`ncrs-sim: launch ${launch.entry.id} for ${launch.entry.nhsNumber ?? "(no NHS number)"}`);
  return launch;
}

/**
 * GET on the launch route: logs the launch (even when NCRS is "unavailable", so tests see that
 * the app did send it), checks the NHS number, then signs the user in or moves straight on.
 */
export async function handleLaunch(
  kit: NcrsKit,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string | null>,
): Promise<void> {
  const launch = recordLaunch(kit, req, params);
  if (await answerScenario(kit, res)) {
    kit.launches.update(launch.entry.id, "unavailable");
    return;
  }
  const nhsNumber = launch.entry.nhsNumber;
  if (nhsNumber === null || !isValidNhsNumber(nhsNumber)) {
    kit.launches.update(launch.entry.id, "invalid");
    sendPage(res, invalidNhsNumberPage());
    return;
  }
  const session = kit.sessions.find(req);
  if (!session?.user) return beginSignIn(kit, res, session ?? kit.sessions.create(), launch);
  proceed(kit, res, session, launch);
}

async function signInFromCallback(kit: NcrsKit, url: URL, state: string, pending: PendingAuthorization) {
  const signIn = await kit.cis2.complete(url, { state, ...pending });
  const role = selectedRole(signIn.selectedRoleId, signIn.userinfo);
  const name = signIn.userinfo["name"];
  return {
    sub: signIn.sub,
    name: typeof name === "string" && name !== "" ? name : signIn.sub,
    role,
    permitted: isPermitted(role, kit.requiredActivityCodes),
    cis2Sid: signIn.sid,
  };
}

function pendingFor(session: NcrsSession | undefined, state: string | null) {
  if (!session || state === null) return undefined;
  const pending = session.pending.get(state);
  session.pending.delete(state);
  return pending;
}

/**
 * GET on the CIS2 callback: validates the answer against the request's state, nonce and PKCE
 * verifier (openid-client), reads the selected role, then resumes the launch that sent the user.
 */
export async function handleCallback(
  kit: NcrsKit,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const session = kit.sessions.find(req);
  const state = url.searchParams.get("state");
  const pending = pendingFor(session, state);
  const launch = pending ? kit.launches.get(pending.launchId) : undefined;
  if (!session || !pending || !state || !launch) return sendPage(res, expiredLinkPage());
  try {
    session.user = await signInFromCallback(kit, url, state, pending);
  } catch (error) {
    kit.log(`ncrs-sim: CIS2 sign-in failed for launch ${launch.entry.id}: ${String(error)}`);
    kit.launches.update(launch.entry.id, "sign_in_failed");
    return sendPage(res, signInFailedPage());
  }
  // A new sign-in (perhaps another user, or another role) must be confirmed again.
  session.roleConfirmed = false;
  kit.log(`ncrs-sim: ${session.user.sub} signed in with role ${session.user.role?.roleId ?? "none"}`);
  proceed(kit, res, session, launch);
}
