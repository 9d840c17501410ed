/**
 * SMART App Launch scopes: what NCRS Connect asks an EHR for, and whether what it granted lets us
 * read the patient. Scopes are compared by meaning, not as text: an EHR may grant them in any
 * order, in SMART v2 syntax (`patient/Patient.rs`) or v1 (`patient/Patient.read`), with a wildcard
 * resource type (`patient/*.rs`), or with more permissions than asked (`patient/Patient.cruds`).
 */

/** `launch openid fhirUser patient/Patient.rs` (+ `patient/Encounter.rs`): no more than we use. */
export function requestedScopes(options: { readonly encounter: boolean }): string[] {
  return [
    "launch",
    "openid",
    "fhirUser",
    "patient/Patient.rs",
    ...(options.encounter ? ["patient/Encounter.rs"] : []),
  ];
}

const CLINICAL = /^(patient|user)\/(\*|[A-Z][A-Za-z]{0,63})\.([a-z*]+)(\?.*)?$/;

/** Whether `granted` (a token response's `scope`) lets us read resources of `type` in the patient's compartment. */
export function grantsRead(granted: readonly string[], type: string): boolean {
  return granted.some((scope) => {
    const parts = CLINICAL.exec(scope);
    if (!parts) return false;
    const [, context, resource, permissions, query] = parts;
    if (context !== "patient" || (resource !== type && resource !== "*")) return false;
    // A query-restricted scope (e.g. `?category=…`) grants part of the type only; not enough for a read by id.
    if (query !== undefined) return false;
    return permissions === "read" || permissions === "*" || isV2Read(permissions ?? "");
  });
}

/** SMART v2 permissions: some of c, r, u, d, s, each once, in that order. */
function isV2Read(permissions: string): boolean {
  return /^c?r?u?d?s?$/.test(permissions) && permissions.includes("r");
}

/**
 * The scopes a token response granted: its `scope`, split on spaces. RFC 6749 §5.1 lets a server
 * leave `scope` out when it granted exactly what was asked; SMART asks servers to send it.
 */
export function grantedScopes(scope: string | undefined, requested: readonly string[]): string[] {
  if (scope === undefined) return [...requested];
  return scope.split(" ").filter((s) => s.length > 0);
}
