/** What the EHR's SMART endpoints share: their URLs, the registered apps, stores, keys and log. */
import type { GrantStore } from "./grants.ts";
import type { IdTokenKeys } from "./keys.ts";
import type { LaunchStore } from "./launches.ts";
import type { SmartAppRegistration } from "./registrations.ts";
import type { SmartRequestLog } from "./request-log.ts";
import type { ScenarioSetting } from "./scenarios.ts";

/** The FHIR base's path: `iss` is the EPR's origin plus this. */
export const FHIR_PATH = "/fhir";
/** The authorization server's path: its issuer is the EPR's origin plus this. */
export const AUTH_PATH = "/smart/auth";

export interface SmartEndpoints {
  /** The FHIR base URL, what `iss` and `aud` carry, e.g. http://localhost:3105/fhir. */
  iss: string;
  /** The OpenID issuer of id_tokens, e.g. http://localhost:3105/smart/auth. */
  issuer: string;
  authorize: string;
  token: string;
  jwks: string;
}

export function smartEndpoints(origin: string): SmartEndpoints {
  const issuer = `${origin}${AUTH_PATH}`;
  return {
    iss: `${origin}${FHIR_PATH}`,
    issuer,
    authorize: `${issuer}/authorize`,
    token: `${issuer}/token`,
    jwks: `${issuer}/jwks.json`,
  };
}

export interface SmartKit {
  urls: SmartEndpoints;
  apps: SmartAppRegistration[];
  launches: LaunchStore;
  grants: GrantStore;
  scenario: ScenarioSetting;
  requests: SmartRequestLog;
  keys: IdTokenKeys;
}

export function findApp(
  smart: SmartKit,
  clientId: string | null | undefined,
): SmartAppRegistration | undefined {
  return smart.apps.find((app) => app.clientId === clientId);
}
