/**
 * Sessions: created at sign-in with a fresh random token (the cookie holds only that token; the
 * database only its digest), resolved on every request against idle and absolute limits, touched
 * at a bounded rate, and ended for a stated reason.
 */
import { randomUUID } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Clock } from "../platform/clock.ts";
import { digest, randomToken } from "../platform/secrets.ts";
import type { Actor } from "./identity.events.ts";
import type { NewSession, SessionRepository } from "./identity.ports.ts";
import type { Session, SessionEndReason } from "./identity.types.ts";
import { type SessionLifetimes, type SessionState, sessionState } from "./session-policy.ts";

export interface SessionServiceDeps {
  readonly sessions: SessionRepository;
  readonly events: Events;
  readonly clock: Clock;
  readonly lifetimes: SessionLifetimes;
  readonly touchIntervalSeconds: number;
  readonly singleSessionPerUser: boolean;
}

export type NewSessionInput = Omit<
  NewSession,
  "id" | "tokenHash" | "idleSeconds" | "createdAt" | "lastSeenAt" | "absoluteExpiresAt"
>;

export type ResolvedSession =
  | { readonly kind: "none" }
  | { readonly kind: "active"; readonly session: Session; readonly idleExpiresAt: Date }
  | { readonly kind: "inactive"; readonly session: Session; readonly reason: string };

export function actorOf(session: Session): Actor {
  return {
    userId: session.user.id,
    userName: session.user.name,
    roleId: session.role?.roleId ?? null,
    roleCode: session.role?.roleCode ?? null,
    orgCode: session.role?.orgCode ?? null,
    sessionId: session.id,
    workstationId: session.workstationId,
  };
}

export class SessionService {
  readonly #deps: SessionServiceDeps;

  constructor(deps: SessionServiceDeps) {
    this.#deps = deps;
  }

  /** Stores a new session and returns the token for the cookie. */
  async create(input: NewSessionInput): Promise<{ token: string; session: Session }> {
    const now = this.#deps.clock.now();
    const lifetime = this.#deps.lifetimes[input.deviceProfile];
    const token = randomToken();
    const session: NewSession = {
      ...input,
      id: randomUUID(),
      tokenHash: digest(token),
      idleSeconds: lifetime.idleSeconds,
      createdAt: now,
      lastSeenAt: now,
      absoluteExpiresAt: new Date(now.getTime() + lifetime.absoluteSeconds * 1000),
    };
    await this.#deps.sessions.insert(session);
    const { tokenHash: _hash, idToken: _idToken, ...stored } = session;
    return { token, session: { ...stored, endedAt: null, endReason: null } };
  }

  /** Finds the session for a cookie token; an expired one is ended (and its event emitted) here. */
  async resolve(token: string | undefined, correlationId: string): Promise<ResolvedSession> {
    if (!token) return { kind: "none" };
    const session = await this.#deps.sessions.findByTokenHash(digest(token));
    if (!session) return { kind: "none" };
    const state: SessionState = sessionState(session, this.#deps.clock.now());
    if (state.kind === "active") return { kind: "active", session, idleExpiresAt: state.idleExpiresAt };
    if (state.kind === "expired") await this.end(session, state.reason, correlationId);
    return { kind: "inactive", session, reason: state.reason };
  }

  /**
   * Why each of these sessions can no longer be used, for those that cannot (ended, timed out, or
   * gone); a session that has timed out is ended, as `resolve` would. Active sessions are left out.
   */
  async endedAmong(ids: readonly string[], correlationId: string): Promise<Map<string, string>> {
    const found = new Map((await this.#deps.sessions.findByIds(ids)).map((s) => [s.id, s]));
    const now = this.#deps.clock.now();
    const ended = new Map<string, string>();
    for (const id of ids) {
      const session = found.get(id);
      if (!session) {
        ended.set(id, "ended");
        continue;
      }
      const state = sessionState(session, now);
      if (state.kind === "active") continue;
      if (state.kind === "expired") await this.end(session, state.reason, correlationId);
      ended.set(id, state.reason);
    }
    return ended;
  }

  /** The CIS2 ID token a live session keeps, for ending the CIS2 session at log-out. */
  idTokenFor(session: Session): Promise<string | null> {
    return this.#deps.sessions.idTokenOf(session.id);
  }

  /** Records activity, at most once per touch interval (so a page view rarely writes). */
  async touch(session: Session, force = false): Promise<Date> {
    const now = this.#deps.clock.now();
    const due = now.getTime() - session.lastSeenAt.getTime() >= this.#deps.touchIntervalSeconds * 1000;
    if (!force && !due) return new Date(session.lastSeenAt.getTime() + session.idleSeconds * 1000);
    await this.#deps.sessions.touch(session.id, now);
    return new Date(now.getTime() + session.idleSeconds * 1000);
  }

  async end(session: Session, reason: SessionEndReason, correlationId: string): Promise<void> {
    const now = this.#deps.clock.now();
    if (await this.#deps.sessions.end(session.id, reason, now))
      await this.#emitEnded(session, reason, correlationId, now);
  }

  /** Ends every active session matching (back-channel logout, single session, revoked device). */
  async endWhere(
    match: Parameters<SessionRepository["endWhere"]>[0],
    reason: SessionEndReason,
    correlationId: string,
  ): Promise<number> {
    const now = this.#deps.clock.now();
    const ended = await this.#deps.sessions.endWhere(match, reason, now);
    for (const session of ended) await this.#emitEnded(session, reason, correlationId, now);
    return ended.length;
  }

  /** Applies the one-session-per-user policy after a sign-in, when configured. */
  async enforceSingleSession(session: Session, correlationId: string): Promise<void> {
    if (!this.#deps.singleSessionPerUser) return;
    await this.endWhere(
      { userId: session.user.id, exceptId: session.id },
      "signed_in_elsewhere",
      correlationId,
    );
  }

  async #emitEnded(
    session: Session,
    reason: SessionEndReason,
    correlationId: string,
    at: Date,
  ): Promise<void> {
    await this.#deps.events.emit("session.ended", {
      ...actorOf(session),
      correlationId,
      reason,
      durationMs: at.getTime() - session.createdAt.getTime(),
    });
  }
}
