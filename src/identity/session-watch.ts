/**
 * Tells open pages the moment their session ends, however it ends (log-out, back-channel logout,
 * idle or absolute time-out, a new sign-in or role change), and on whichever instance it ended:
 * each instance looks up the sessions its open pages belong to, in one query per interval however
 * many pages are open, and is nudged to look at once when a session ends on this instance. A page
 * told replaces what it shows with a neutral "signed out" page (src/web/static/session-watch.js).
 */
import { randomUUID } from "node:crypto";
import type { SessionService } from "./session.service.ts";

export interface SessionWatchDeps {
  readonly sessions: Pick<SessionService, "endedAmong">;
  readonly pollMs: number;
  readonly onError?: (error: unknown) => void;
}

type Ended = (reason: string) => void;

export class SessionWatch {
  readonly #deps: SessionWatchDeps;
  readonly #watchers = new Map<string, Set<Ended>>();
  #timer: NodeJS.Timeout | null = null;
  #looking: Promise<void> | null = null;

  constructor(deps: SessionWatchDeps) {
    this.#deps = deps;
  }

  /** Calls `ended` once, with the reason, when this session can no longer be used. */
  watch(sessionId: string, ended: Ended): () => void {
    const set = this.#watchers.get(sessionId) ?? new Set<Ended>();
    set.add(ended);
    this.#watchers.set(sessionId, set);
    this.#schedule();
    return () => {
      set.delete(ended);
      if (set.size === 0) this.#watchers.delete(sessionId);
      if (this.#watchers.size === 0) this.#cancel();
    };
  }

  /** Looks now (a session has just ended on this instance). */
  nudge(): void {
    if (this.#watchers.size > 0) void this.look();
  }

  /** One look at every watched session (tests call it to avoid waiting). */
  look(): Promise<void> {
    this.#looking ??= this.#look().finally(() => {
      this.#looking = null;
    });
    return this.#looking;
  }

  stop(): void {
    this.#watchers.clear();
    this.#cancel();
  }

  async #look(): Promise<void> {
    const ids = [...this.#watchers.keys()];
    if (ids.length === 0) return;
    try {
      const ended = await this.#deps.sessions.endedAmong(ids, randomUUID());
      for (const [id, reason] of ended) {
        const watchers = this.#watchers.get(id);
        this.#watchers.delete(id);
        for (const tell of watchers ?? []) tell(reason);
      }
    } catch (error) {
      this.#deps.onError?.(error);
    } finally {
      this.#schedule();
    }
  }

  #schedule(): void {
    if (this.#timer || this.#watchers.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.look();
    }, this.#deps.pollMs);
    this.#timer.unref();
  }

  #cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
