import { describe, expect, it } from "vitest";
import { decideRole, roleTitle, searchRoles } from "./roles.ts";
import { loadDirectory } from "./users.ts";

const directory = loadDirectory();
const user = (sub: string) => {
  const found = directory.user(sub);
  if (!found) throw new Error(`no fixture user ${sub}`);
  return found;
};
const amelia = user("555000000001");
const ben = user("555000000002");
const dana = user("555000000004");
const farid = user("555000000006");
const scopes = (...s: string[]) => new Set(["openid", ...s]);

describe("role selection decision", () => {
  it("selects nothing when the request did not ask for a role", () => {
    expect(decideRole(scopes(), amelia.roles, undefined)).toEqual({ kind: "none" });
  });

  it("selects nothing for a user with no roles", () => {
    expect(decideRole(scopes("selectedrole"), dana.roles, undefined)).toEqual({ kind: "none" });
  });

  it("chooses the only role automatically, even for changedrole", () => {
    expect(decideRole(scopes("selectedrole"), amelia.roles, undefined)).toEqual({
      kind: "chosen",
      roleId: "555000000101",
    });
    expect(decideRole(scopes("changedrole"), amelia.roles, undefined).kind).toBe("chosen");
  });

  it("asks a multi-role user, then remembers the choice for selectedrole", () => {
    expect(decideRole(scopes("selectedrole"), ben.roles, undefined)).toEqual({ kind: "ask" });
    expect(decideRole(scopes("selectedrole"), ben.roles, "555000000202")).toEqual({
      kind: "chosen",
      roleId: "555000000202",
    });
  });

  it("always asks again for changedrole", () => {
    expect(decideRole(scopes("changedrole"), ben.roles, "555000000202")).toEqual({ kind: "ask" });
  });

  it("asks again when the remembered role is not one of the user's", () => {
    expect(decideRole(scopes("selectedrole"), ben.roles, "555000000101")).toEqual({ kind: "ask" });
  });
});

describe("role search", () => {
  it("matches role titles, organisation names and ODS codes, ignoring case", () => {
    expect(searchRoles(farid.roles, farid.organisations, "student")).toHaveLength(1);
    expect(
      searchRoles(farid.roles, farid.organisations, "northgate").every((r) => r.org_code === "Y90002"),
    ).toBe(true);
    expect(searchRoles(farid.roles, farid.organisations, "Y90001")).toHaveLength(4);
  });

  it("returns every role for an empty query", () => {
    expect(searchRoles(farid.roles, farid.organisations, "  ")).toHaveLength(farid.roles.length);
  });

  it("names a role by the last segment of its role_name", () => {
    const [first] = ben.roles;
    expect(first && roleTitle(first)).toBe("Nurse Access Role");
  });
});
