/**
 * The EPR's own server-side sessions, in memory, behind the cookie `riverside_epr_session` (cookies
 * are not scoped by port, so the name never collides with NCRS Connect's or another simulator's on
 * `localhost`). A session holds the EPR user, its window id, the authorization requests under way
 * and, once connected, NCRS Connect's bearer token: the token never reaches the browser.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const SESSION_COOKIE = "riverside_epr_session";

const IDLE_LIFETIME_MS = 30 * 60 * 1000;
/** More unanswered Connects than this means abandoned tabs; the oldest go. */
const MAX_PENDING = 10;

export interface PendingConnect {
  codeVerifier: string;
  /** Where to go back to once connected (a path on the EPR). */
  returnTo: string;
}

export interface NcrsConnection {
  accessToken: string;
  expiresAt: number;
  scope: string;
}

export interface EprSession {
  id: string;
  userSub: string;
  /** The one EPR window this session stands for: `windowId` / `window_id` of every hand-over. */
  windowId: string;
  pending: Map<string, PendingConnect>;
  connection: NcrsConnection | null;
  lastSeen: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, EprSession>();
  readonly #defaultUser: () => string;

  constructor(defaultUser: () => string) {
    this.#defaultUser = defaultUser;
  }

  /** The request's session, or a new one (the caller sets the cookie when `created`). */
  fromRequest(req: IncomingMessage, now = Date.now()): { session: EprSession; created: boolean } {
    this.#expire(now);
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    const found = id ? this.#sessions.get(id) : undefined;
    if (found) {
      found.lastSeen = now;
      return { session: found, created: false };
    }
    const session: EprSession = {
      id: randomBytes(24).toString("base64url"),
      userSub: this.#defaultUser(),
      windowId: `epr-window-${randomBytes(9).toString("base64url")}`,
      pending: new Map(),
      connection: null,
      lastSeen: now,
    };
    this.#sessions.set(session.id, session);
    return { session, created: true };
  }

  /** The request's live session, without making one: a request that must come from a signed-in browser. */
  find(req: IncomingMessage, now = Date.now()): EprSession | undefined {
    this.#expire(now);
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    const found = id ? this.#sessions.get(id) : undefined;
    if (found) found.lastSeen = now;
    return found;
  }

  all(): EprSession[] {
    return [...this.#sessions.values()];
  }

  #expire(now: number): void {
    for (const [id, session] of this.#sessions)
      if (now - session.lastSeen > IDLE_LIFETIME_MS) this.#sessions.delete(id);
  }
}

export function addPending(session: EprSession, state: string, pending: PendingConnect): void {
  if (session.pending.size >= MAX_PENDING) {
    const oldest = session.pending.keys().next();
    if (!oldest.done) session.pending.delete(oldest.value);
  }
  session.pending.set(state, pending);
}

/** The token, if the session holds one that has not expired. */
export function activeConnection(session: EprSession, now = Date.now()): NcrsConnection | null {
  if (session.connection && session.connection.expiresAt <= now) session.connection = null;
  return session.connection;
}

export function sessionCookie(session: EprSession): string {
  return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax`;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}
