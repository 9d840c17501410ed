/**
 * What authorize and token hand out, kept in memory: authorization codes (single use, one minute,
 * bound to the client, the redirect URI and the PKCE challenge) and the access tokens the FHIR
 * endpoints accept. A code presented twice revokes the token issued for it (RFC 6749 §4.1.2).
 * Client-assertion ids are remembered until their assertion expires, so none is accepted twice.
 */
import { randomBytes } from "node:crypto";
import type { SmartLaunch } from "./launches.ts";

export const CODE_LIFETIME_MS = 60 * 1000;
export const ACCESS_TOKEN_LIFETIME_S = 3600;

export interface SmartGrant {
  clientId: string;
  launch: SmartLaunch;
  scopes: string[];
  nonce?: string;
}

export interface AuthorizationCode extends SmartGrant {
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
  /** Set once exchanged; a second exchange finds it and revokes this token. */
  accessToken?: string;
}

export interface AccessToken extends SmartGrant {
  expiresAt: number;
}

const token = () => randomBytes(32).toString("base64url");

export class GrantStore {
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #tokens = new Map<string, AccessToken>();
  readonly #assertionIds = new Map<string, number>();

  issueCode(fields: Omit<AuthorizationCode, "expiresAt" | "accessToken">, now = Date.now()): string {
    this.#sweep(now);
    const code = token();
    this.#codes.set(code, { ...fields, expiresAt: now + CODE_LIFETIME_MS });
    return code;
  }

  findCode(code: string): AuthorizationCode | undefined {
    return this.#codes.get(code);
  }

  /** Marks the code used; false (and the earlier token revoked) when it already was. */
  useCode(code: AuthorizationCode): boolean {
    if (code.accessToken !== undefined) {
      this.#tokens.delete(code.accessToken);
      return false;
    }
    code.accessToken = "";
    return true;
  }

  issueToken(code: AuthorizationCode, grant: SmartGrant, now = Date.now()): string {
    const value = token();
    this.#tokens.set(value, { ...grant, expiresAt: now + ACCESS_TOKEN_LIFETIME_S * 1000 });
    code.accessToken = value;
    return value;
  }

  findToken(value: string, now = Date.now()): AccessToken | undefined {
    const found = this.#tokens.get(value);
    if (found && found.expiresAt <= now) this.#tokens.delete(value);
    return found && found.expiresAt > now ? found : undefined;
  }

  /** Records a client assertion's jti; false when this client used it before. */
  firstUseOfAssertion(clientId: string, jti: string, expiresAtS: number, now = Date.now()): boolean {
    this.#sweep(now);
    const key = `${clientId} ${jti}`;
    if (this.#assertionIds.has(key)) return false;
    this.#assertionIds.set(key, expiresAtS * 1000);
    return true;
  }

  #sweep(now: number): void {
    for (const [id, code] of this.#codes)
      if (code.expiresAt + CODE_LIFETIME_MS <= now) this.#codes.delete(id);
    for (const [id, until] of this.#assertionIds) if (until <= now) this.#assertionIds.delete(id);
  }
}
