/**
 * Authentication assurance rules as CIS2 applies them: a request asks for a class through
 * `acr_values`, the class admits authenticators by level, and the ID token's `acr` names the class
 * that was satisfied (not the authenticator used; `amr` says that).
 */

export const ACR_CLASSES = ["AAL3_ANY", "AAL2_OR_AAL3_ANY"] as const;
export type AcrClass = (typeof ACR_CLASSES)[number];

/** CIS2 apps that send no acr_values get AAL2 behaviour (the class NHS recommends by default). */
export const DEFAULT_ACR: AcrClass = "AAL2_OR_AAL3_ANY";

/** Authentication assurance level of an authenticator. */
export type Aal = 2 | 3;

function isAcrClass(value: string): value is AcrClass {
  return (ACR_CLASSES as readonly string[]).includes(value);
}

/**
 * The class a request asks for: the first supported value of the space-separated `acr_values`,
 * or the default when none is given or none is supported.
 */
export function requestedAcr(acrValues: unknown): AcrClass {
  if (typeof acrValues !== "string") return DEFAULT_ACR;
  return acrValues.split(" ").find(isAcrClass) ?? DEFAULT_ACR;
}

/** Whether an authenticator of the given level may satisfy the class. */
export function admits(acr: AcrClass, aal: Aal): boolean {
  return acr === "AAL3_ANY" ? aal === 3 : true;
}
