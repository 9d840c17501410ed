import { describe, expect, it } from "vitest";
import { loadDirectory, userinfoClaims } from "./users.ts";

const directory = loadDirectory();

describe("test user fixtures", () => {
  it("holds the six documented users with 12-digit ids", () => {
    expect(directory.users.map((u) => u.sub)).toEqual([
      "555000000001",
      "555000000002",
      "555000000003",
      "555000000004",
      "555000000005",
      "555000000006",
    ]);
    for (const user of directory.users) {
      expect(user.idAssuranceLevel).toBe(3);
      for (const role of user.roles) {
        expect(role.person_roleid).toMatch(/^\d{12}$/);
        expect(role.person_orgid).toMatch(/^\d{12}$/);
        expect(["Y90001", "Y90002"]).toContain(role.org_code);
      }
    }
  });

  it("gives each user the role shape the brief describes", () => {
    const count = (sub: string) => directory.user(sub)?.roles.length;
    expect([1, 2, 3, 4, 5, 6].map((n) => count(`55500000000${n}`))).toEqual([1, 3, 1, 0, 1, 8]);
    expect(directory.user("555000000003")?.roles[0]?.activity_codes).toEqual(["B0062"]);
  });

  it("limits Eve Marsh to AAL2 authenticators", () => {
    const eve = directory.user("555000000005");
    const levels = eve?.authenticatorIds.map((id) => directory.authenticator(id)?.aal);
    expect(levels).toEqual([2, 2, 2]);
  });

  it("lists the eight authenticators with their levels and amr", () => {
    expect(directory.authenticators.map((a) => [a.id, a.aal, a.amr.join()])).toEqual([
      ["smartcard-identity-agent", 3, "N3_SMARTCARD"],
      ["smartcard-connect", 3, "CIS2_SMARTCARD"],
      ["security-key", 3, "FIDO2"],
      ["windows-hello", 3, "WINDOWS_HELLO"],
      ["ipad-app", 3, "IOS"],
      ["authenticator-app", 2, "TOTP"],
      ["nhsmail", 2, "NHSMAIL"],
      ["passkey", 2, "PASSKEY"],
    ]);
  });
});

describe("UserInfo claims", () => {
  it("uses the same id for sub, uid and nhsid_useruid, and a string idassurancelevel", () => {
    const user = directory.user("555000000001");
    if (!user) throw new Error("fixture missing");
    const claims = userinfoClaims(user);
    expect(claims["uid"]).toBe(user.sub);
    expect(claims["nhsid_useruid"]).toBe(user.sub);
    expect(claims["idassurancelevel"]).toBe("3");
    expect(claims["nhsid_user_orgs"]).toEqual([
      { org_code: "Y90001", org_name: "Riverside Community Health NHS Trust (test)" },
    ]);
  });
});
