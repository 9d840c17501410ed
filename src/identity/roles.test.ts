import { describe, expect, it } from "vitest";
import { AppError } from "../platform/errors.ts";
import { displayRoleName, parseRoles, permissionsOf, resolveSelectedRole } from "./roles.ts";

const policy = { clinicalActivityCodes: ["B0264", "B0360"], adminActivityCodes: ["B0062"] };

// Shaped like NHS England's identity-service UserInfo test data.
const userInfo = {
  sub: "656005750104",
  nhsid_user_orgs: [
    { org_code: "Y51", org_name: "Test Trust" },
    { org_code: "X09", org_name: "Test GP" },
  ],
  nhsid_nrbac_roles: [
    {
      person_orgid: "656008045105",
      person_roleid: "656014452101",
      org_code: "Y51",
      role_code: "S8001:G8002:R8008",
      role_name: '"Support":"Support":"Admin/Clinical Support Access Role"',
      activity_codes: ["B0145", "B8002"],
    },
    {
      person_roleid: "656005754108",
      org_code: "X09",
      role_code: "S8000:G8000:R8000",
      role_name: '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
      activity_codes: ["B0360"],
    },
    { person_roleid: "656005754109", org_code: "X09", role_name: "Admin", role_code: "S1:G1:R1" },
    "not an object",
    { org_code: "X09" },
  ],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : "unexpected";
  }
}

describe("roles", () => {
  it("parse roles, naming organisations and defaulting absent activity codes to none", () => {
    const roles = parseRoles(userInfo);
    expect(roles.map((r) => r.roleId)).toEqual(["656014452101", "656005754108", "656005754109"]);
    expect(roles[1]).toMatchObject({
      orgCode: "X09",
      orgName: "Test GP",
      roleName: "Clinical Practitioner Access Role",
      activityCodes: ["B0360"],
    });
    expect(roles[2]?.activityCodes).toEqual([]);
  });

  it("display the last segment of a quoted, colon-joined role name", () => {
    expect(displayRoleName('"Admin & Clerical":"Management - A & C":"Registration Authority Manager"')).toBe(
      "Registration Authority Manager",
    );
    expect(displayRoleName("Nurse")).toBe("Nurse");
  });

  it("resolve the selected role when it is permitted", () => {
    expect(resolveSelectedRole("656005754108", parseRoles(userInfo), policy).orgCode).toBe("X09");
  });

  it("refuse no roles, no selection, an unknown selection and a role that can do nothing here", () => {
    const roles = parseRoles(userInfo);
    expect(codeOf(() => resolveSelectedRole("656005754108", [], policy))).toBe("sign_in.no_role");
    expect(codeOf(() => resolveSelectedRole(undefined, roles, policy))).toBe("sign_in.role_not_selected");
    expect(codeOf(() => resolveSelectedRole("999", roles, policy))).toBe("sign_in.role_not_selected");
    expect(codeOf(() => resolveSelectedRole("656014452101", roles, policy))).toBe(
      "sign_in.role_not_permitted",
    );
  });

  it("derive permissions from activity codes", () => {
    const [support, clinician] = parseRoles(userInfo);
    expect(permissionsOf(clinician ?? null, policy)).toEqual({ clinical: true, admin: false });
    expect(permissionsOf(support ?? null, policy)).toEqual({ clinical: false, admin: false });
    expect(permissionsOf(null, policy)).toEqual({ clinical: false, admin: false });
  });
});
