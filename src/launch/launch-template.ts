/**
 * The NCRS deep link. Its format is issued to suppliers at onboarding and is not public, so it is a
 * configured template per environment, e.g.
 *   https://portal.spineservices.nhs.uk/nationalcarerecordsservice/launch?nhsNumber={nhsNumber}
 * Placeholders are `{name}`; only the names below can be filled, and every value is encoded for
 * where it stands (path segment or query value). A template is checked once, at start.
 */

export const LAUNCH_PARAMETERS = ["nhsNumber", "odsCode", "roleId", "userId"] as const;
export type LaunchParameter = (typeof LAUNCH_PARAMETERS)[number];

export interface LaunchTemplate {
  readonly template: string;
  readonly origin: string;
  readonly parameters: readonly LaunchParameter[];
}

export type TemplateProblem =
  | { readonly kind: "not_a_url" }
  | { readonly kind: "not_https"; readonly origin: string }
  | { readonly kind: "unknown_placeholder"; readonly name: string }
  | { readonly kind: "no_nhs_number" }
  | { readonly kind: "placeholder_in_host" };

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Checks a template; `allowHttp` only for the local simulator. */
export function parseLaunchTemplate(
  template: string,
  allowHttp: boolean,
): { ok: true; value: LaunchTemplate } | { ok: false; problem: TemplateProblem } {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
  const unknown = names.find((n) => !(LAUNCH_PARAMETERS as readonly string[]).includes(n));
  if (unknown) return { ok: false, problem: { kind: "unknown_placeholder", name: unknown } };
  if (!names.includes("nhsNumber")) return { ok: false, problem: { kind: "no_nhs_number" } };
  let url: URL;
  try {
    url = new URL(template.replace(PLACEHOLDER, "x"));
  } catch {
    return { ok: false, problem: { kind: "not_a_url" } };
  }
  const authority = template.slice(template.indexOf("//") + 2).split(/[/?#]/)[0] ?? "";
  if (PLACEHOLDER.test(authority)) return { ok: false, problem: { kind: "placeholder_in_host" } };
  PLACEHOLDER.lastIndex = 0;
  if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:"))
    return { ok: false, problem: { kind: "not_https", origin: url.origin } };
  return {
    ok: true,
    value: { template, origin: url.origin, parameters: [...new Set(names)] as LaunchParameter[] },
  };
}

export function describeTemplateProblem(problem: TemplateProblem): string {
  switch (problem.kind) {
    case "not_a_url":
      return "is not a URL";
    case "not_https":
      return `must use https (${problem.origin}); plain http is allowed only with DEV_ALLOW_HTTP for the local simulator`;
    case "unknown_placeholder":
      return `names {${problem.name}}, which is not one of ${LAUNCH_PARAMETERS.map((p) => `{${p}}`).join(", ")}`;
    case "no_nhs_number":
      return "must contain {nhsNumber}";
    case "placeholder_in_host":
      return "must not put a placeholder in the host";
  }
}

/**
 * Fills the template. Every placeholder the template names must have a value (a missing one is an
 * error, never an empty string); values are percent-encoded, so none can add a path segment, a query
 * parameter or a fragment. (Callers pass only validated values: NHS numbers, ODS codes, ids.)
 */
export function fillLaunchTemplate(
  t: LaunchTemplate,
  values: Partial<Record<LaunchParameter, string>>,
): { ok: true; url: string } | { ok: false; missing: LaunchParameter } {
  const missing = t.parameters.find((p) => !values[p]);
  if (missing) return { ok: false, missing };
  const url = t.template.replace(PLACEHOLDER, (_match, name: string) =>
    encodeURIComponent(values[name as LaunchParameter] as string),
  );
  return { ok: true, url };
}
