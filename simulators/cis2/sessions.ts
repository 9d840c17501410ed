/**
 * CIS2 sessions as the simulator models them: one per user per browser, identified by a `sid` that
 * is shared by every relying party the browser signed in to (so one back-channel logout names the
 * same session to all of them). The OpenID provider's own session cookie is linked to a CIS2
 * session through the provider session's `uid`.
 *
 * Also kept here: what each completed authorization decided (role, scenario, assurance), keyed by
 * the grant the provider creates for it, so the token endpoint can shape the ID token accordingly.
 */
import { randomBytes } from "node:crypto";
import type { Aal, AcrClass } from "./assurance.ts";
import type { ScenarioId } from "./scenarios.ts";

export interface Cis2Session {
  sid: string;
  sub: string;
  authenticatorId: string;
  aal: Aal;
  acr: AcrClass;
  amr: string[];
  /** Epoch seconds of the last authentication. */
  authTime: number;
  /** Role chosen in this session, remembered for later `selectedrole` requests. */
  selectedRoleId: string | undefined;
  clientIds: Set<string>;
  /** The provider session (`uid`) this CIS2 session belongs to, once an authorization completed. */
  browserUid: string | undefined;
}

export interface AuthorizationRecord {
  sid: string;
  sub: string;
  clientId: string;
  aal: Aal;
  /** Present only when `selectedrole` or `changedrole` was requested and the user has a role. */
  selectedRoleId: string | undefined;
  /** Scenario chosen on the sign-in form for this authorization. */
  scenario: ScenarioId | undefined;
}

const MAX_AUTHORIZATION_RECORDS = 10_000;

export type NewSession = Omit<Cis2Session, "sid" | "selectedRoleId" | "clientIds" | "browserUid">;

/** Opaque session id in the style of AM's (URL-safe, unguessable). */
function newSid(): string {
  return randomBytes(24).toString("base64url");
}

export class SessionRegistry {
  readonly #bySid = new Map<string, Cis2Session>();
  readonly #authorizations = new Map<string, AuthorizationRecord>();

  start(input: NewSession): Cis2Session {
    const session: Cis2Session = {
      ...input,
      sid: newSid(),
      selectedRoleId: undefined,
      clientIds: new Set(),
      browserUid: undefined,
    };
    this.#bySid.set(session.sid, session);
    return session;
  }

  get(sid: string): Cis2Session | undefined {
    return this.#bySid.get(sid);
  }

  /** The live CIS2 session of a browser (provider session uid), if any. */
  byBrowser(uid: string | undefined): Cis2Session | undefined {
    if (uid === undefined) return undefined;
    return [...this.#bySid.values()].find((s) => s.browserUid === uid);
  }

  bySub(sub: string): Cis2Session[] {
    return this.all().filter((s) => s.sub === sub);
  }

  all(): Cis2Session[] {
    return [...this.#bySid.values()];
  }

  /** Links a CIS2 session to the browser's provider session, releasing any previous link. */
  bindBrowser(session: Cis2Session, uid: string): void {
    for (const other of this.#bySid.values()) {
      if (other !== session && other.browserUid === uid) other.browserUid = undefined;
    }
    session.browserUid = uid;
  }

  /** Forgets the session; returns it so the caller can notify the relying parties. */
  end(sid: string): Cis2Session | undefined {
    const session = this.#bySid.get(sid);
    this.#bySid.delete(sid);
    return session;
  }

  recordAuthorization(grantId: string, record: AuthorizationRecord): void {
    this.#authorizations.set(grantId, record);
    // Records are only needed until the code is redeemed; cap them so a long run stays small.
    if (this.#authorizations.size > MAX_AUTHORIZATION_RECORDS) {
      const oldest = this.#authorizations.keys().next().value;
      if (oldest !== undefined) this.#authorizations.delete(oldest);
    }
  }

  authorization(grantId: string | undefined): AuthorizationRecord | undefined {
    return grantId === undefined ? undefined : this.#authorizations.get(grantId);
  }
}
