/**
 * Access tokens kept per holder (the application, or one signed-in user) until shortly before
 * they expire. Callers that need a token while one is being fetched wait for that fetch rather
 * than start their own (the platform's quota is per application), and a failed fetch is not
 * kept: the next caller tries again.
 */
import { type Clock, systemClock } from "../../platform/clock.ts";
import type { IssuedToken } from "./token-response.ts";

interface Entry {
  readonly token: string;
  /** Epoch milliseconds after which the token is no longer handed out. */
  readonly renewAt: number;
}

export interface TokenCacheOptions {
  /** Renew this long before expiry (capped at half the token's life, so a short token is still used). */
  readonly marginSeconds: number;
  /** Most holders kept; expired ones go first, then the oldest. Default 10 000. */
  readonly maxEntries?: number;
  readonly clock?: Clock;
}

export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<string>>();
  readonly #marginMs: number;
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(options: TokenCacheOptions) {
    if (!(options.marginSeconds >= 0)) throw new RangeError("TokenCache: marginSeconds must be ≥ 0");
    this.#marginMs = options.marginSeconds * 1000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#clock = options.clock ?? systemClock;
  }

  /** The holder's token, fetched with `fetch` when there is none still good. */
  get(holder: string, fetch: () => Promise<IssuedToken>): Promise<string> {
    const entry = this.#entries.get(holder);
    if (entry && this.#now() < entry.renewAt) return Promise.resolve(entry.token);
    const pending = this.#inFlight.get(holder);
    if (pending) return pending;
    const started = this.#fetch(holder, fetch);
    this.#inFlight.set(holder, started);
    return started;
  }

  /**
   * Forgets the holder's token if it is still `token` (the API refused it). The next `get` then
   * fetches a new one, unless another caller has already replaced it.
   */
  forget(holder: string, token: string): void {
    if (this.#entries.get(holder)?.token === token) this.#entries.delete(holder);
  }

  /** Forgets every token (e.g. after the signing key changed). */
  clear(): void {
    this.#entries.clear();
  }

  async #fetch(holder: string, fetch: () => Promise<IssuedToken>): Promise<string> {
    try {
      const issued = await fetch();
      const lifeMs = issued.expiresAt.getTime() - issued.issuedAt.getTime();
      const renewAt = issued.expiresAt.getTime() - Math.min(this.#marginMs, lifeMs / 2);
      this.#remember(holder, { token: issued.accessToken, renewAt });
      return issued.accessToken;
    } finally {
      this.#inFlight.delete(holder);
    }
  }

  #remember(holder: string, entry: Entry): void {
    this.#entries.delete(holder);
    if (this.#entries.size >= this.#maxEntries) {
      const now = this.#now();
      for (const [key, value] of this.#entries) if (value.renewAt <= now) this.#entries.delete(key);
      const oldest = this.#entries.keys().next();
      if (this.#entries.size >= this.#maxEntries && !oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(holder, entry);
  }

  #now(): number {
    return this.#clock.now().getTime();
  }
}
