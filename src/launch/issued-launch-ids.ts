/**
 * Launch ids already put on a page, kept in this process's memory so that showing the same
 * patient page again (a refresh, coming back from NCRS) shows the same unused id instead of
 * writing a new one on every view. Raw ids live only here and in the page; the database keeps
 * their digests. Another instance simply issues its own. Bounded: the oldest are dropped first.
 */

export interface IssuedLaunchId {
  readonly launchId: string;
  readonly ref: string;
  readonly expiresAt: Date;
}

/** What an id was issued for: one session, one tab's patient context, one patient and number. */
export interface IssueScope {
  readonly sessionId: string;
  readonly contextId: string;
  readonly patientId: string;
  readonly nhsNumber: string;
}

function keyOf(s: IssueScope): string {
  return `${s.sessionId}\n${s.contextId}\n${s.patientId}\n${s.nhsNumber}`;
}

export class IssuedLaunchIds {
  readonly #ids = new Map<string, IssuedLaunchId>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** The id shown for this scope, if it still has at least `minLifeMs` to live. */
  find(scope: IssueScope, now: Date, minLifeMs: number): IssuedLaunchId | undefined {
    const issued = this.#ids.get(keyOf(scope));
    if (!issued) return undefined;
    if (issued.expiresAt.getTime() - now.getTime() < minLifeMs) {
      this.#ids.delete(keyOf(scope));
      return undefined;
    }
    return issued;
  }

  remember(scope: IssueScope, issued: IssuedLaunchId): void {
    const key = keyOf(scope);
    this.#ids.delete(key);
    this.#ids.set(key, issued);
    if (this.#ids.size > this.#max) {
      const oldest = this.#ids.keys().next();
      if (!oldest.done) this.#ids.delete(oldest.value);
    }
  }

  /** Drops the scope's id (it was used, or found used). */
  forget(scope: IssueScope): void {
    this.#ids.delete(keyOf(scope));
  }
}
