/**
 * The EHR's named failure scenarios: each makes one step of the launch go wrong the way a real EHR
 * can, so the app's handling of it shows. One is current for the whole EHR (control API); a launch
 * may carry its own (`&scenario=` on the launch link), which wins for that launch.
 */

export const SMART_SCENARIOS = {
  normal: "everything as the spec says",
  access_denied: "authorize sends the browser back with error=access_denied",
  invalid_scope: "authorize sends the browser back with error=invalid_scope",
  bad_state: "authorize sends the browser back with a valid code and a different state",
  token_error: "the token endpoint answers 400 invalid_grant",
  no_patient: "the token response has no patient",
  missing_scope: "the grant has no Patient read scope (reads of Patient are then refused)",
  scopes_reordered_v1: "the grant is the same in another order and in v1 syntax (patient/Patient.read)",
  patient_only_in_token: "the normal case named: the patient is in the token response only",
  discovery_down: "the smart-configuration answers 503",
  discovery_invalid: "the smart-configuration answers 200 without token_endpoint",
  bad_id_token: "the id_token is signed by a key that is not in the JWKS",
  fhir_down: "FHIR resource reads answer 503",
} as const;

export type SmartScenario = keyof typeof SMART_SCENARIOS;

export function isSmartScenario(value: unknown): value is SmartScenario {
  return typeof value === "string" && Object.hasOwn(SMART_SCENARIOS, value);
}

export class ScenarioSetting {
  #current: SmartScenario = "normal";

  get current(): SmartScenario {
    return this.#current;
  }

  set(scenario: SmartScenario): void {
    this.#current = scenario;
  }

  /** The launch's own scenario if it has one, else the EHR's. */
  for(launch: { scenario?: SmartScenario } | undefined): SmartScenario {
    return launch?.scenario ?? this.#current;
  }
}
