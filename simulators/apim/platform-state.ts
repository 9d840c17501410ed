/**
 * What the simulated API platform knows: the applications registered with it (API key and the
 * URL of their public keys), the JWKS it fetched for each (kept an hour, as the platform does,
 * and not fetched again for an unknown `kid`), every `jti` spent, the access tokens it issued,
 * the active scenario, and a log of token requests (never a token or an assertion).
 */
import { randomInt } from "node:crypto";
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

export interface ApimApplication {
  readonly apiKey: string;
  /** Where the platform fetches the application's public keys; absent: no key registered. */
  readonly jwksUrl?: string;
}

export const APIM_SCENARIOS = ["refuse-access-tokens", "jwks-unreachable", "unavailable"] as const;
export type ApimScenario = (typeof APIM_SCENARIOS)[number];

export interface IssuedAccessToken {
  readonly apiKey: string;
  /** The CIS2 user's `sub` for a user-restricted token. */
  readonly user: string | null;
  expiresAt: number;
}

export interface TokenRequestRecord {
  readonly time: string;
  readonly grant: string;
  readonly status: number;
  readonly error: string | null;
  readonly description: string | null;
}

const JWKS_CACHE_MS = 3_600_000;
const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOG_CAPACITY = 500;

type JwksLookup = { readonly ok: true; readonly keys: JWTVerifyGetKey } | { readonly ok: false };

export class PlatformState {
  readonly applications: ReadonlyMap<string, ApimApplication>;
  /** Seconds an issued access token lasts (the platform's 599 by default). */
  accessTokenSeconds: number;
  scenario: ApimScenario | null = null;
  /** The exact token URL, the only `aud` accepted; set once the server listens. */
  tokenUrl = "";
  readonly #jwks = new Map<string, { fetchedAt: number; lookup: JwksLookup }>();
  readonly #spentJtis = new Map<string, Set<string>>();
  readonly #tokens = new Map<string, IssuedAccessToken>();
  readonly #log: TokenRequestRecord[] = [];

  constructor(applications: readonly ApimApplication[], accessTokenSeconds: number) {
    this.applications = new Map(applications.map((app) => [app.apiKey, app]));
    this.accessTokenSeconds = accessTokenSeconds;
  }

  /** Spends a `jti` for this API key; false when it was spent already. */
  spendJti(apiKey: string, jti: string): boolean {
    const spent = this.#spentJtis.get(apiKey) ?? new Set<string>();
    this.#spentJtis.set(apiKey, spent);
    if (spent.has(jti)) return false;
    spent.add(jti);
    return true;
  }

  /** The application's public keys, from the cache or fetched; `ok: false` when unreachable. */
  async jwksOf(url: string, now: number): Promise<JwksLookup> {
    const cached = this.#jwks.get(url);
    if (cached && now - cached.fetchedAt < JWKS_CACHE_MS) return cached.lookup;
    const lookup = await fetchJwks(url);
    if (lookup.ok) this.#jwks.set(url, { fetchedAt: now, lookup });
    return lookup;
  }

  /** Forgets every fetched JWKS, as when the platform's hour-long cache runs out. */
  forgetJwks(): void {
    this.#jwks.clear();
  }

  issue(apiKey: string, user: string | null, now: number): { token: string; expiresIn: number } {
    let token = "";
    for (let i = 0; i < 28; i++) token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
    this.#tokens.set(token, { apiKey, user, expiresAt: now + this.accessTokenSeconds * 1000 });
    return { token, expiresIn: this.accessTokenSeconds };
  }

  /** Whether an API behind the platform accepts this bearer token now. */
  checkAccessToken(token: string, now: number): "valid" | "expired" | "unknown" {
    const issued = this.#tokens.get(token);
    if (!issued) return "unknown";
    if (this.scenario === "refuse-access-tokens") return "unknown";
    return now < issued.expiresAt ? "valid" : "expired";
  }

  /** The CIS2 user a user-restricted token was exchanged for; null for any other token. */
  userOf(token: string): string | null {
    return this.#tokens.get(token)?.user ?? null;
  }

  /** Which application holds this bearer token, and whether an API accepts it now. */
  holderOf(token: string, now: number): { state: "valid" | "expired" | "unknown"; apiKey: string | null } {
    const state = this.checkAccessToken(token, now);
    return { state, apiKey: state === "unknown" ? null : (this.#tokens.get(token)?.apiKey ?? null) };
  }

  /** Every access token issued so far expires now. */
  expireTokens(now: number): number {
    for (const issued of this.#tokens.values()) issued.expiresAt = Math.min(issued.expiresAt, now);
    return this.#tokens.size;
  }

  record(entry: Omit<TokenRequestRecord, "time">): void {
    this.#log.push({ time: new Date().toISOString(), ...entry });
    if (this.#log.length > LOG_CAPACITY) this.#log.shift();
  }

  requests(): readonly TokenRequestRecord[] {
    return [...this.#log];
  }

  reset(): void {
    this.scenario = null;
    this.#jwks.clear();
    this.#spentJtis.clear();
    this.#tokens.clear();
    this.#log.length = 0;
  }
}

async function fetchJwks(url: string): Promise<JwksLookup> {
  try {
    const response = await fetch(url, {
      headers: { "User-Agent": "APIM" },
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) return { ok: false };
    const body = (await response.json()) as JSONWebKeySet;
    if (!Array.isArray(body?.keys)) return { ok: false };
    return { ok: true, keys: createLocalJWKSet(body) };
  } catch {
    return { ok: false };
  }
}
