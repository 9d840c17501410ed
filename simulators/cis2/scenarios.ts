/**
 * The catalogue of named failure scenarios. A scenario is chosen per authorization (the sign-in form's
 * `sim_scenario` field) or per test user (sticky, through the control API), and each one makes the
 * simulator misbehave in exactly one way a relying party must detect or survive.
 */

/** Where in the journey a scenario takes effect. */
export type ScenarioStage = "authorize" | "token" | "id-token" | "userinfo";

export interface Scenario {
  id: ScenarioId;
  stage: ScenarioStage;
  description: string;
}

export const SCENARIO_IDS = [
  "authorize-error",
  "token-500",
  "token-timeout",
  "wrong-iss",
  "wrong-aud",
  "bad-signature",
  "unsigned-id-token",
  "hs256-id-token",
  "expired-id-token",
  "missing-sid",
  "stale-auth-time",
  "lower-acr",
  "wrong-nonce",
  "wrong-azp",
  "low-id-assurance",
  "userinfo-wrong-sub",
] as const;

export type ScenarioId = (typeof SCENARIO_IDS)[number];

const DESCRIPTIONS: Record<ScenarioId, [ScenarioStage, string]> = {
  "authorize-error": ["authorize", "Sign-in ends back at the client with error=server_error."],
  "token-500": ["token", "The token endpoint answers 500 with an OAuth server_error body."],
  "token-timeout": ["token", "The token endpoint holds the response for tokenTimeoutDelayMs (default 30 s)."],
  "wrong-iss": [
    "id-token",
    "ID token iss is the issuer without its port, as a normalising library would write it.",
  ],
  "wrong-aud": ["id-token", "ID token aud names a different client."],
  "bad-signature": ["id-token", "ID token is signed with a key that is not in the JWKS (same kid)."],
  "unsigned-id-token": ["id-token", "ID token is unsigned (alg none)."],
  "hs256-id-token": [
    "id-token",
    "ID token is signed with HS256 using the client id as the secret (an algorithm-confusion forgery).",
  ],
  "expired-id-token": ["id-token", "ID token iat and exp are in the past."],
  "missing-sid": ["id-token", "ID token has no sid claim."],
  "stale-auth-time": ["id-token", "ID token auth_time is one hour ago."],
  "lower-acr": [
    "id-token",
    "ID token says acr AAL2_ANY and authentication_assurance_level 2, whatever was asked.",
  ],
  "wrong-nonce": ["id-token", "ID token nonce differs from the one the client sent."],
  "wrong-azp": ["id-token", "ID token azp names a different client."],
  "low-id-assurance": ["id-token", "ID token id_assurance_level is 2."],
  "userinfo-wrong-sub": ["userinfo", "UserInfo answers with a sub that differs from the ID token's."],
};

/** Every scenario, in catalogue order. */
export const SCENARIOS: readonly Scenario[] = SCENARIO_IDS.map((id) => {
  const [stage, description] = DESCRIPTIONS[id];
  return { id, stage, description };
});

/** Narrows an untrusted value (form field, JSON body) to a scenario id. */
export function isScenarioId(value: unknown): value is ScenarioId {
  return typeof value === "string" && (SCENARIO_IDS as readonly string[]).includes(value);
}

/** Scenarios pinned to a test user; they apply to every sign-in of that user until cleared. */
export class UserScenarios {
  readonly #bySub = new Map<string, ScenarioId>();

  set(sub: string, scenario: ScenarioId | null): void {
    if (scenario === null) this.#bySub.delete(sub);
    else this.#bySub.set(sub, scenario);
  }

  get(sub: string): ScenarioId | undefined {
    return this.#bySub.get(sub);
  }

  entries(): [string, ScenarioId][] {
    return [...this.#bySub.entries()];
  }
}
