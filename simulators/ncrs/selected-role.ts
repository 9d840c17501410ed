/**
 * Reads the role a user signed in with from what CIS2 returned: the ID token's `selected_roleid`
 * names one entry of UserInfo's `nhsid_nrbac_roles`; its organisation's name comes from
 * `nhsid_user_orgs`. NCRS decides access on the role's activity codes (B-codes), as NHS national
 * services do, not on its job-role code.
 */
import { z } from "zod";

export interface SelectedRole {
  roleId: string;
  /** Display name: the last segment of `role_name`, unquoted, e.g. "Nurse Access Role". */
  roleName: string;
  roleCode: string;
  orgCode: string;
  /** Organisation name from `nhsid_user_orgs`, or the ODS code when CIS2 did not name it. */
  orgName: string;
  activityCodes: string[];
}

const userinfoSchema = z.object({
  name: z.string().optional(),
  nhsid_nrbac_roles: z
    .array(
      z.object({
        person_roleid: z.string(),
        org_code: z.string(),
        role_code: z.string().default(""),
        role_name: z.string().default(""),
        activity_codes: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  nhsid_user_orgs: z.array(z.object({ org_code: z.string(), org_name: z.string() })).default([]),
});

/** `"\"Clinical\":\"Clinical Provision\":\"Nurse Access Role\""` → `Nurse Access Role`. */
export function roleDisplayName(roleName: string): string {
  const last = roleName.split(":").at(-1) ?? "";
  return last.replaceAll('"', "").trim() || roleName;
}

/**
 * The role CIS2 said was selected, or null when the ID token names none or UserInfo does not
 * hold it (a user without roles, or a CIS2 that answered inconsistently).
 */
export function selectedRole(selectedRoleId: unknown, userinfo: unknown): SelectedRole | null {
  if (typeof selectedRoleId !== "string") return null;
  const parsed = userinfoSchema.safeParse(userinfo);
  if (!parsed.success) return null;
  const role = parsed.data.nhsid_nrbac_roles.find((r) => r.person_roleid === selectedRoleId);
  if (!role) return null;
  const org = parsed.data.nhsid_user_orgs.find((o) => o.org_code === role.org_code);
  return {
    roleId: role.person_roleid,
    roleName: roleDisplayName(role.role_name),
    roleCode: role.role_code,
    orgCode: role.org_code,
    orgName: org?.org_name ?? role.org_code,
    activityCodes: role.activity_codes,
  };
}

/** True when the role holds at least one of the activity codes NCRS requires. */
export function isPermitted(role: SelectedRole | null, requiredActivityCodes: readonly string[]): boolean {
  return role?.activityCodes.some((code) => requiredActivityCodes.includes(code)) ?? false;
}
