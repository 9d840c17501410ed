/**
 * The most recent Patient API requests, for tests that need to see what the client actually sent
 * (which request id on a retry, which organisation). The Authorization value is never kept: the
 * log only says whether one was present.
 */

export interface LoggedRequest {
  time: string;
  method: string;
  path: string;
  /** HTTP status sent, or `null` when the connection was reset without a response. */
  status: number | null;
  scenario: string | null;
  headers: {
    "x-request-id": string | null;
    "x-correlation-id": string | null;
    "nhsd-end-user-organisation-ods": string | null;
  };
  authorization: boolean;
  /**
   * For a user-restricted token (exchanged for a CIS2 ID token), the CIS2 user it reads as;
   * null for an application-restricted token or none.
   */
  tokenUser: string | null;
}

export const DEFAULT_LIMIT = 100;
export const REQUEST_LOG_CAPACITY = 1000;

export class RequestLog {
  #entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.#entries.push(entry);
    const excess = this.#entries.length - REQUEST_LOG_CAPACITY;
    if (excess > 0) this.#entries.splice(0, excess);
  }

  /** The last `limit` requests, oldest first. */
  recent(limit = DEFAULT_LIMIT): LoggedRequest[] {
    const count = Math.min(Math.max(limit, 0), REQUEST_LOG_CAPACITY);
    return count === 0 ? [] : this.#entries.slice(-count);
  }

  clear(): void {
    this.#entries = [];
  }
}
