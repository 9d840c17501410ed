/**
 * CIS2-hosted role selection rules: when the user must pick, when CIS2 picks for them, and how the
 * long-list search filters roles.
 */
import type { NrbacRole, Organisation } from "./users.ts";

/** Above this many roles CIS2 adds a search box to the role list. */
export const SEARCH_THRESHOLD = 5;

export type RoleDecision = { kind: "none" } | { kind: "chosen"; roleId: string } | { kind: "ask" };

/**
 * Decides role selection for one authorization.
 * - no `selectedrole`/`changedrole` scope, or no roles: nothing to select;
 * - one role: chosen automatically;
 * - `changedrole`: always ask;
 * - `selectedrole`: reuse the role already chosen in this CIS2 session, otherwise ask.
 */
export function decideRole(
  scopes: ReadonlySet<string>,
  roles: readonly NrbacRole[],
  remembered: string | undefined,
): RoleDecision {
  if (!wantsRole(scopes)) return { kind: "none" };
  const [only, ...others] = roles;
  if (!only) return { kind: "none" };
  if (others.length === 0) return { kind: "chosen", roleId: only.person_roleid };
  if (scopes.has("changedrole")) return { kind: "ask" };
  if (remembered && roles.some((r) => r.person_roleid === remembered)) {
    return { kind: "chosen", roleId: remembered };
  }
  return { kind: "ask" };
}

/** Whether the request asked CIS2 to select (or change) a role. */
export function wantsRole(scopes: ReadonlySet<string>): boolean {
  return scopes.has("selectedrole") || scopes.has("changedrole");
}

/** The job role's own name: the last quoted segment of a colon-joined `role_name`. */
export function roleTitle(role: NrbacRole): string {
  const last = role.role_name.split(":").at(-1) ?? role.role_name;
  return last.replaceAll('"', "");
}

/** Case-insensitive search across role title, organisation name and ODS code. */
export function searchRoles(
  roles: readonly NrbacRole[],
  organisations: readonly Organisation[],
  query: string,
): NrbacRole[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...roles];
  return roles.filter((role) => {
    const orgName = organisations.find((o) => o.org_code === role.org_code)?.org_name ?? "";
    return [roleTitle(role), orgName, role.org_code].some((text) => text.toLowerCase().includes(needle));
  });
}
