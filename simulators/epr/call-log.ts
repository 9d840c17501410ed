/**
 * Every request the EPR's back end made to NCRS Connect and what came back, for tests (the control
 * API serves it). Bearer tokens and client secrets are never recorded; request bodies are, since
 * a test wants to see what was handed over.
 */
import { decodeJwt } from "jose";

export interface NcrsCall {
  at: string;
  method: string;
  /** Path on NCRS Connect, e.g. /api/v1/patient-contexts. */
  path: string;
  /** What was sent (JSON or form fields), without credentials. */
  request?: unknown;
  /** Response status; 0 when NCRS Connect could not be reached. */
  status: number;
  /** The parsed response body, or the network error in words. */
  response?: unknown;
}

/** A signed launch token the EPR gave the browser (the browser, not the EPR, sends it on). */
export interface IssuedToken {
  at: string;
  via: "form" | "url";
  mrn: string;
  jti: string;
  userHint: string;
}

const MAX_CALLS = 500;

export class CallLog {
  readonly #calls: NcrsCall[] = [];
  readonly #tokens: IssuedToken[] = [];

  issued(token: string, via: IssuedToken["via"], mrn: string): void {
    const claims = decodeJwt(token);
    const text = (value: unknown) => (typeof value === "string" ? value : "");
    this.#tokens.push({
      at: new Date().toISOString(),
      via,
      mrn,
      jti: text(claims.jti),
      userHint: text(claims["user_hint"]),
    });
    if (this.#tokens.length > MAX_CALLS) this.#tokens.shift();
  }

  tokens(): IssuedToken[] {
    return [...this.#tokens];
  }

  add(call: Omit<NcrsCall, "at">): void {
    this.#calls.push({ at: new Date().toISOString(), ...call });
    if (this.#calls.length > MAX_CALLS) this.#calls.shift();
  }

  entries(): NcrsCall[] {
    return [...this.#calls];
  }

  reset(): void {
    this.#calls.length = 0;
    this.#tokens.length = 0;
  }
}
