/**
 * SMART scopes: which of the requested ones the app gets, and what a granted set lets it read.
 * Both syntaxes are understood: v2 (`patient/Patient.rs`, permissions in the order c-r-u-d-s) and
 * v1 (`patient/Patient.read`, `.write`, `.*`). A query suffix (`?category=…`) narrows nothing here
 * and is kept as asked.
 */

export interface ResourceScope {
  context: "patient" | "user" | "system";
  /** A FHIR resource type, or "*". */
  type: string;
  /** Instance reads (v2 `r`, v1 `read` or `*`). */
  read: boolean;
  /** Any read or search access (v2 `r` or `s`): what v1's `read` covers. */
  access: boolean;
}

const V2 = /^(patient|user|system)\/([A-Za-z]+|\*)\.(c?r?u?d?s?)(\?.*)?$/;
const V1 = /^(patient|user|system)\/([A-Za-z]+|\*)\.(read|write|\*)$/;

/** A scope naming resources, in either syntax; undefined for `openid`, `launch` and the like. */
export function parseResourceScope(scope: string): ResourceScope | undefined {
  const v1 = V1.exec(scope);
  if (v1) {
    const [, context, type, access] = v1 as unknown as [string, ResourceScope["context"], string, string];
    return { context, type, read: access !== "write", access: access !== "write" };
  }
  const v2 = V2.exec(scope);
  if (!v2 || v2[3] === "") return undefined;
  const [, context, type, permissions] = v2 as unknown as [string, ResourceScope["context"], string, string];
  const read = permissions.includes("r");
  return { context, type, read, access: read || permissions.includes("s") };
}

/** The requested scopes the app is registered for, in the order asked, each once. */
export function grantScopes(requested: readonly string[], allowed: readonly string[]): string[] {
  const may = new Set(allowed);
  return [...new Set(requested)].filter((scope) => may.has(scope));
}

/** Whether the scopes let the app read `type` within the launch's patient compartment. */
export function mayReadInPatientContext(granted: readonly string[], type: string): boolean {
  return granted.some((scope) => {
    const parsed = parseResourceScope(scope);
    return (
      parsed?.read === true &&
      (parsed.context === "patient" || parsed.context === "user") &&
      (parsed.type === type || parsed.type === "*")
    );
  });
}

/** The scopes without any that would let the app read Patient (the missing_scope scenario). */
export function withoutPatientRead(granted: readonly string[]): string[] {
  return granted.filter((scope) => {
    const parsed = parseResourceScope(scope);
    return !(parsed?.access && (parsed.type === "Patient" || parsed.type === "*"));
  });
}

/** The same grant in v1 spelling and another order (the scopes_reordered_v1 scenario). */
export function asV1Reordered(granted: readonly string[]): string[] {
  const v1 = granted.map((scope) => {
    const parsed = parseResourceScope(scope);
    if (!parsed || V1.test(scope)) return scope;
    return `${parsed.context}/${parsed.type}.${parsed.access ? "read" : "write"}`;
  });
  return [...new Set(v1)].reverse();
}
