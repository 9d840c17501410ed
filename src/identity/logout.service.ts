/**
 * Logging out. The session ends here first, whatever happens next; then, where the deployment asks
 * for it (by default on shared workstations, where the next person at the keyboard would otherwise
 * find the CIS2 session, and NCRS signed in through it, still alive), the browser is sent on to
 * CIS2's end-session endpoint (RP-initiated logout) to end the CIS2 session too. CIS2 then tells
 * every application signed in through that session, NCRS included, over back-channel logout.
 */
import type { IdentityProvider } from "./identity.ports.ts";
import type { Session } from "./identity.types.ts";
import type { SessionService } from "./session.service.ts";

/** When a log-out also ends the CIS2 session. */
export type EndCis2Session = "always" | "shared_workstations" | "never";

export interface LogoutDeps {
  readonly sessions: Pick<SessionService, "end" | "idTokenFor">;
  readonly provider: Pick<IdentityProvider, "endSessionUrl">;
  readonly endCis2Session: EndCis2Session;
  /** Where CIS2 sends the browser back after its sign-out. */
  readonly postLogoutRedirectUri: string;
}

export type LogoutResult =
  /** Signed out here; the CIS2 session was not to be ended. */
  | { readonly kind: "local" }
  /** Signed out here; the browser goes on to CIS2 to end its session there. */
  | { readonly kind: "cis2"; readonly url: URL }
  /** Signed out here; CIS2's session should have been ended, but CIS2 could not be reached. */
  | { readonly kind: "cis2_unreached" };

export class LogoutService {
  readonly #deps: LogoutDeps;

  constructor(deps: LogoutDeps) {
    this.#deps = deps;
  }

  async logOut(session: Session, state: string, correlationId: string): Promise<LogoutResult> {
    const atCis2 =
      this.#deps.endCis2Session === "always" ||
      (this.#deps.endCis2Session === "shared_workstations" && session.deviceProfile === "shared");
    // Read before the session ends: ending it drops the ID token.
    const idToken = atCis2 ? await this.#deps.sessions.idTokenFor(session) : null;
    await this.#deps.sessions.end(session, "logout", correlationId);
    if (!atCis2) return { kind: "local" };
    const url = idToken
      ? await this.#deps.provider.endSessionUrl({
          idTokenHint: idToken,
          postLogoutRedirectUri: this.#deps.postLogoutRedirectUri,
          state,
        })
      : null;
    return url ? { kind: "cis2", url } : { kind: "cis2_unreached" };
  }
}
