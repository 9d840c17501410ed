/**
 * What apps asked of the EHR's SMART endpoints and what they were answered, for tests (control
 * API `GET /_sim/api/smart/requests`). Parameters are recorded without secrets: no client secret,
 * assertion, code, verifier or token; a client assertion shows only its header.
 */

export type SmartEndpoint =
  | "launch"
  | "smart-configuration"
  | "openid-configuration"
  | "metadata"
  | "authorize"
  | "token"
  | "fhir";

export interface SmartRequest {
  at: string;
  endpoint: SmartEndpoint;
  method: string;
  /** e.g. /fhir/Patient/RVR100001 */
  path: string;
  clientId?: string;
  /** The request's parameters, secrets left out (a present secret shows as "[present]"). */
  params?: Record<string, string>;
  /** token: the client authentication the app used (private_key_jwt, client_secret_basic, none). */
  clientAuth?: string;
  status: number;
  /** The OAuth error code or FHIR issue code, when refused. */
  error?: string;
  errorDescription?: string;
  /** authorize/token: the scopes granted. */
  scope?: string;
  /** The scenario in force. */
  scenario?: string;
}

const MAX_REQUESTS = 500;
const HIDDEN = new Set(["client_secret", "client_assertion", "code", "code_verifier", "access_token"]);

/** Parameters as recorded: secrets replaced, repeated ones joined. */
export function loggedParams(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) {
    const shown = HIDDEN.has(key) ? "[present]" : value;
    out[key] = key in out ? `${out[key]},${shown}` : shown;
  }
  return out;
}

export class SmartRequestLog {
  readonly #entries: SmartRequest[] = [];

  add(entry: Omit<SmartRequest, "at">): void {
    this.#entries.push({ at: new Date().toISOString(), ...entry });
    if (this.#entries.length > MAX_REQUESTS) this.#entries.shift();
  }

  entries(): SmartRequest[] {
    return this.#entries.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.#entries.length = 0;
  }
}
