/**
 * National RBAC roles from CIS2 UserInfo: parsing (defensively: optional arrays may be absent),
 * resolving the role the user selected at CIS2, and what that role may do here.
 */
import { AppError } from "../platform/errors.ts";
import { identityErrors } from "./identity.errors.ts";
import type { TokenClaims } from "./identity.ports.ts";
import type { Cis2Role, Permissions } from "./identity.types.ts";

export interface RolePolicy {
  readonly clinicalActivityCodes: readonly string[];
  readonly adminActivityCodes: readonly string[];
}

interface OrgClaim {
  readonly org_code?: unknown;
  readonly org_name?: unknown;
}

interface RoleClaim {
  readonly person_roleid?: unknown;
  readonly org_code?: unknown;
  readonly role_code?: unknown;
  readonly role_name?: unknown;
  readonly activity_codes?: unknown;
}

/** The objects in a claim that should be an array of objects; anything else is ignored. */
function objects<T>(value: unknown): T[] {
  return Array.isArray(value) ? value.filter((v): v is T => typeof v === "object" && v !== null) : [];
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** How a role is named to its user: role name, organisation name where known, ODS code. */
export function roleShown(role: Cis2Role): { roleName: string; orgName: string | null; orgCode: string } {
  return { roleName: role.roleName, orgName: role.orgName ?? null, orgCode: role.orgCode };
}

/** `"Clinical":"Clinical Provision":"Nurse Access Role"` → `Nurse Access Role`. */
export function displayRoleName(roleName: string): string {
  const last = roleName.split(":").at(-1) ?? roleName;
  return last.replaceAll('"', "").trim() || roleName;
}

/** Parses `nhsid_nrbac_roles` and names organisations from `nhsid_user_orgs`. */
export function parseRoles(userInfo: TokenClaims): Cis2Role[] {
  const orgNames = new Map<string, string>();
  for (const org of objects<OrgClaim>(userInfo.nhsid_user_orgs)) {
    const code = str(org.org_code);
    const name = str(org.org_name);
    if (code && name) orgNames.set(code, name);
  }
  const roles: Cis2Role[] = [];
  for (const r of objects<RoleClaim>(userInfo.nhsid_nrbac_roles)) {
    const roleId = str(r.person_roleid);
    const orgCode = str(r.org_code);
    if (!roleId || !orgCode) continue;
    const orgName = orgNames.get(orgCode);
    roles.push({
      roleId,
      orgCode,
      ...(orgName === undefined ? {} : { orgName }),
      roleCode: str(r.role_code) ?? "",
      roleName: displayRoleName(str(r.role_name) ?? "Unnamed role"),
      activityCodes: stringArray(r.activity_codes),
    });
  }
  return roles;
}

/** What a role may do under the configured policy. */
export function permissionsOf(role: Cis2Role | null, policy: RolePolicy): Permissions {
  const codes = new Set(role?.activityCodes ?? []);
  return {
    clinical: policy.clinicalActivityCodes.some((c) => codes.has(c)),
    admin: policy.adminActivityCodes.some((c) => codes.has(c)),
  };
}

/**
 * The role the user chose at CIS2. Fails closed: no roles, no selection, an unknown selection, or a
 * role that may do nothing here all stop the sign-in with their own error.
 */
export function resolveSelectedRole(
  selectedRoleId: unknown,
  roles: readonly Cis2Role[],
  policy: RolePolicy,
): Cis2Role {
  if (roles.length === 0) throw new AppError(identityErrors.no_role);
  const id =
    typeof selectedRoleId === "string" || typeof selectedRoleId === "number"
      ? String(selectedRoleId)
      : undefined;
  if (!id) throw new AppError(identityErrors.role_not_selected);
  const role = roles.find((r) => r.roleId === id);
  if (!role)
    throw new AppError(identityErrors.role_not_selected, {
      details: { reason: "selected role not among the user's roles" },
    });
  const can = permissionsOf(role, policy);
  // The refusal names the role, so the user knows which one to change from.
  if (!can.clinical && !can.admin)
    throw new AppError(identityErrors.role_not_permitted, { details: { refusedRole: roleShown(role) } });
  return role;
}
