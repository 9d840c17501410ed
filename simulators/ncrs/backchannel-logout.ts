/**
 * CIS2's back-channel logout, as a national application receives it: when a CIS2 session ends
 * (a smartcard removed, a sign-out at CIS2's end-session endpoint), CIS2 posts a logout token
 * naming the session, and every NCRS session signed in from it ends. The next launch in that
 * browser then asks whoever is there to sign in to NCRS as themselves.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readForm, sendJson } from "./http-kit.ts";
import type { NcrsKit } from "./ncrs-kit.ts";

export async function handleBackchannelLogout(
  kit: NcrsKit,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const token = (await readForm(req)).get("logout_token");
  if (!token) return sendJson(res, 400, { error: "invalid_request", error_description: "no logout_token" });
  let sid: string;
  try {
    ({ sid } = await kit.cis2.verifyLogoutToken(token));
  } catch (error) {
    kit.log(`ncrs-sim: back-channel logout refused: ${String(error)}`);
    return sendJson(res, 400, {
      error: "invalid_request",
      error_description: "the logout token is not valid",
    });
  }
  const ended = kit.sessions.endForCis2Session(sid);
  kit.log(`ncrs-sim: back-channel logout for CIS2 session ${sid}: ${ended} NCRS session(s) ended`);
  sendJson(res, 200, { ended });
}
