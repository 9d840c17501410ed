/**
 * The DCB0129 clinical risk matrix and what this project accepts, in one place: the hazard log's
 * checker, its generated pages and its schema's word lists all follow this file.
 */

/** How bad the harm is, least to worst (NHS Digital's clinical risk management definitions). */
export const SEVERITIES = ["minor", "significant", "considerable", "major", "catastrophic"] as const;
/** How likely the harm is, least to most likely. */
export const LIKELIHOODS = ["very_low", "low", "medium", "high", "very_high"] as const;
/** Where a hazard stands. */
export const STATUSES = ["open", "mitigated", "closed", "transferred"] as const;
/** What kind of control: built into the product, shown by testing, or given to people. */
export const CONTROL_TYPES = ["design", "test", "training_and_information"] as const;

export type Severity = (typeof SEVERITIES)[number];
export type Likelihood = (typeof LIKELIHOODS)[number];
export type Status = (typeof STATUSES)[number];
export type ControlType = (typeof CONTROL_TYPES)[number];
export type RiskRating = 1 | 2 | 3 | 4 | 5;

/** The standard matrix: one row per likelihood, one column per severity (minor → catastrophic). */
const MATRIX: Readonly<Record<Likelihood, readonly RiskRating[]>> = {
  very_high: [3, 4, 4, 5, 5],
  high: [2, 3, 3, 4, 5],
  medium: [2, 2, 3, 3, 4],
  low: [1, 2, 2, 3, 4],
  very_low: [1, 1, 2, 2, 3],
};

export const RISK_LABELS: Readonly<Record<RiskRating, string>> = {
  1: "Very low",
  2: "Low",
  3: "Medium",
  4: "High",
  5: "Very high",
};

/** Words for the page: "very_low" → "Very low". */
export function wordsOf(value: string): string {
  const text = value.replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The rating the matrix gives a severity and a likelihood. */
export function riskRating(severity: Severity, likelihood: Likelihood): RiskRating {
  return MATRIX[likelihood][SEVERITIES.indexOf(severity)] as RiskRating;
}

/** The rows of the matrix, most likely first, as the standard prints it. */
export function matrixRows(): readonly { likelihood: Likelihood; ratings: readonly RiskRating[] }[] {
  return [...LIKELIHOODS].reverse().map((likelihood) => ({ likelihood, ratings: MATRIX[likelihood] }));
}

/** Highest rating accepted without further argument. */
export const ACCEPTABLE_RISK = 2;
/** Highest rating accepted at all, and then only with a written justification. */
export const TOLERABLE_WITH_JUSTIFICATION = 3;

export type Acceptability = "acceptable" | "needs_justification" | "unacceptable";

/** Risk ≤ 2 acceptable; 3 acceptable only with a written justification; 4–5 unacceptable. */
export function acceptabilityOf(rating: RiskRating): Acceptability {
  if (rating <= ACCEPTABLE_RISK) return "acceptable";
  if (rating <= TOLERABLE_WITH_JUSTIFICATION) return "needs_justification";
  return "unacceptable";
}
