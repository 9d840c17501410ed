/**
 * NCRS's own sessions, in memory, behind a cookie named `ncrs_sim_session` (cookies are not
 * scoped by port, so every name the simulator sets starts with `ncrs_sim_` and never collides
 * with the app's or the CIS2 simulator's on `localhost`). A session is NCRS's, not CIS2's: it
 * holds who signed in to NCRS, with which role, and whether they confirmed that role.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { SelectedRole } from "./selected-role.ts";

export const SESSION_COOKIE = "ncrs_sim_session";

/** Idle sessions are forgotten after this long, as a real service would time them out. */
const IDLE_LIFETIME_MS = 30 * 60 * 1000;

export interface SignedInUser {
  /** CIS2 `sub` (the user's UUID). */
  sub: string;
  name: string;
  /** The role CIS2 said was selected, or null when the user has none. */
  role: SelectedRole | null;
  /** Whether the role holds one of the activity codes NCRS requires. */
  permitted: boolean;
  /** The CIS2 session the sign-in came from; ending it (back-channel logout) ends this session. */
  cis2Sid: string | null;
}

/** An authorization request sent to CIS2 and not yet answered; keyed by its `state`. */
export interface PendingAuthorization {
  nonce: string;
  codeVerifier: string;
  launchId: string;
}

export interface NcrsSession {
  id: string;
  user: SignedInUser | null;
  /** Set once the user presses "Confirm and continue"; a new sign-in clears it. */
  roleConfirmed: boolean;
  pending: Map<string, PendingAuthorization>;
  lastSeen: number;
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class SessionStore {
  readonly #byId = new Map<string, NcrsSession>();

  /** The request's live session, if it has one. */
  find(req: IncomingMessage, now = Date.now()): NcrsSession | undefined {
    this.#prune(now);
    const id = cookieValue(req, SESSION_COOKIE);
    const session = id ? this.#byId.get(id) : undefined;
    if (session) session.lastSeen = now;
    return session;
  }

  create(now = Date.now()): NcrsSession {
    const session: NcrsSession = {
      id: randomBytes(32).toString("base64url"),
      user: null,
      roleConfirmed: false,
      pending: new Map(),
      lastSeen: now,
    };
    this.#byId.set(session.id, session);
    return session;
  }

  end(id: string): void {
    this.#byId.delete(id);
  }

  /** Ends every session signed in from this CIS2 session; returns how many. */
  endForCis2Session(sid: string): number {
    let ended = 0;
    for (const [id, session] of this.#byId) {
      if (session.user?.cis2Sid !== sid) continue;
      this.#byId.delete(id);
      ended++;
    }
    return ended;
  }

  #prune(now: number): void {
    for (const [id, session] of this.#byId) {
      if (now - session.lastSeen > IDLE_LIFETIME_MS) this.#byId.delete(id);
    }
  }
}

/** The Set-Cookie header for a session: HttpOnly, and Lax so CIS2's redirect back carries it. */
export function sessionCookie(session: NcrsSession): string {
  return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax`;
}

/** The Set-Cookie header that removes the session cookie. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
