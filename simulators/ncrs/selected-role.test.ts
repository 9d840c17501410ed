import { describe, expect, it } from "vitest";
import { isPermitted, roleDisplayName, selectedRole } from "./selected-role.ts";

const userinfo = {
  name: "Ben Okafor",
  nhsid_user_orgs: [{ org_code: "Y90002", org_name: "Northgate Medical Practice (test)" }],
  nhsid_nrbac_roles: [
    {
      person_roleid: "555000000202",
      person_orgid: "555100000022",
      org_code: "Y90002",
      role_code: "S8000:G8000:R8001",
      role_name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
      activity_codes: ["B0264"],
    },
    { person_roleid: "555000000299", org_code: "Y99999" },
  ],
};

describe("selected role", () => {
  it("takes the role the ID token names from UserInfo, with its organisation's name", () => {
    expect(selectedRole("555000000202", userinfo)).toEqual({
      roleId: "555000000202",
      roleName: "Nurse Access Role",
      roleCode: "S8000:G8000:R8001",
      orgCode: "Y90002",
      orgName: "Northgate Medical Practice (test)",
      activityCodes: ["B0264"],
    });
  });

  it("falls back to the ODS code and no activities when CIS2 leaves them out", () => {
    expect(selectedRole("555000000299", userinfo)).toMatchObject({ orgName: "Y99999", activityCodes: [] });
  });

  it("is null without selected_roleid or when UserInfo lacks that role", () => {
    expect(selectedRole(undefined, userinfo)).toBeNull();
    expect(selectedRole("555000000201", userinfo)).toBeNull();
  });

  it("permits a role holding one of the required activities, and no role at all never", () => {
    const role = selectedRole("555000000202", userinfo);
    expect(isPermitted(role, ["B0360"])).toBe(false);
    expect(isPermitted(role, ["B0360", "B0264"])).toBe(true);
    expect(isPermitted(null, ["B0264"])).toBe(false);
  });

  it("reads the display name from the last segment of role_name", () => {
    expect(roleDisplayName('"Support":"Support":"Admin/Clinical Support Access Role"')).toBe(
      "Admin/Clinical Support Access Role",
    );
    expect(roleDisplayName("Plain name")).toBe("Plain name");
  });
});
