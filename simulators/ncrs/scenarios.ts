/**
 * The catalogue of named scenarios. Two are global, switched on through `PUT /_sim/scenario` and
 * applied to every page until cleared; the others follow from the launch itself (its NHS number,
 * or the role the user signed in with), so a test picks them by what it launches.
 */

export const GLOBAL_SCENARIO_IDS = ["unavailable", "slow"] as const;

export type GlobalScenarioId = (typeof GLOBAL_SCENARIO_IDS)[number];

/** What triggers a scenario. */
export type ScenarioTrigger = "global" | "nhs-number" | "role";

export interface Scenario {
  id: string;
  trigger: ScenarioTrigger;
  description: string;
}

/** Every scenario, global ones first. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: "unavailable",
    trigger: "global",
    description:
      "Every NCRS page answers 503 with an 'NCRS is not available' page (launches are still logged).",
  },
  {
    id: "slow",
    trigger: "global",
    description: "Every NCRS page answers normally, but only after slowDelayMs (default 3000 ms).",
  },
  {
    id: "invalid-nhs-number",
    trigger: "nhs-number",
    description: "A launch whose NHS number is not 10 digits with a valid check digit gets a 400 page.",
  },
  {
    id: "patient-not-found",
    trigger: "nhs-number",
    description:
      "A valid NHS number without a record here (e.g. 9111231130) gets a 404 'Patient not found' page.",
  },
  {
    id: "restricted-record",
    trigger: "nhs-number",
    description:
      "9000000025 is a restricted record: only the patient's name and that the record is restricted.",
  },
  {
    id: "access-denied",
    trigger: "role",
    description:
      "A selected role without one of requiredActivityCodes (e.g. 555000000202, B0264 only) gets a 403 'Access denied for this role' page.",
  },
];

/** Narrows an untrusted value to a global scenario id. */
export function isGlobalScenarioId(value: unknown): value is GlobalScenarioId {
  return typeof value === "string" && (GLOBAL_SCENARIO_IDS as readonly string[]).includes(value);
}
