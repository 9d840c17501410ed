/**
 * The log of launches received, for tests of the app's side of "Open in NCRS": which NHS number
 * arrived, with which parameters and Referer, and how far the user got. An entry's outcome moves
 * on as the user proceeds (pending_sign_in → pending_role_confirmation → shown), so a test can
 * read where a journey stopped.
 */

export type LaunchOutcome =
  | "shown"
  | "not_found"
  | "access_denied"
  | "invalid"
  | "unavailable"
  | "pending_sign_in"
  | "pending_role_confirmation"
  | "sign_in_failed";

export interface LaunchEntry {
  id: string;
  /** ISO 8601 time the launch arrived. */
  at: string;
  nhsNumber: string | null;
  /** Every parameter the launch template names (`null` when the request lacked it). */
  params: Record<string, string | null>;
  outcome: LaunchOutcome;
  /** The CIS2 `sub` of the user, once known. */
  user: string | null;
  /** The CIS2 `selected_roleid` the user signed in with, once known. */
  roleId: string | null;
  /** The Referer header of the launch request; the app should send none. */
  referer: string | null;
}

/** A launch as the simulator keeps it: the public entry and the session it belongs to. */
export interface Launch {
  entry: LaunchEntry;
  sessionId: string | null;
}

const CAPACITY = 1000;

export class LaunchLog {
  readonly #launches = new Map<string, Launch>();

  add(launch: Launch): void {
    if (this.#launches.size >= CAPACITY) {
      const oldest = this.#launches.keys().next();
      if (!oldest.done) this.#launches.delete(oldest.value);
    }
    this.#launches.set(launch.entry.id, launch);
  }

  get(id: string): Launch | undefined {
    return this.#launches.get(id);
  }

  /** Moves a launch on; `user` and `roleId` are only overwritten when given. */
  update(id: string, outcome: LaunchOutcome, who?: { user: string; roleId: string | null }): void {
    const launch = this.#launches.get(id);
    if (!launch) return;
    launch.entry.outcome = outcome;
    if (who) {
      launch.entry.user = who.user;
      launch.entry.roleId = who.roleId;
    }
  }

  /** Records who is behind a launch without moving its outcome on. */
  identify(id: string, who: { user: string; roleId: string | null }): void {
    const launch = this.#launches.get(id);
    if (launch) this.update(id, launch.entry.outcome, who);
  }

  /** Public entries, oldest first. */
  entries(): LaunchEntry[] {
    return [...this.#launches.values()].map((launch) => ({ ...launch.entry }));
  }

  reset(): void {
    this.#launches.clear();
  }
}
