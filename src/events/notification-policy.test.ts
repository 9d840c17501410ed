import { describe, expect, it } from "vitest";
import { NOTIFICATION_TEXT, notificationsFor, roleIsNotified } from "./notification-policy.ts";

const policy = {
  changes: ["nhs_number_superseded", "deceased", "verification_needed"] as const,
  activityCodes: [],
};

describe("notifications", () => {
  it("are given only for the changes the policy lists, once per event and change", () => {
    expect(notificationsFor("e1", ["deceased", "restricted"], policy)).toEqual([
      { id: "e1:deceased", kind: "deceased", ...NOTIFICATION_TEXT.deceased },
    ]);
    expect(notificationsFor("e2", [], policy)).toEqual([]);
  });

  it("never name the patient or their NHS number", () => {
    for (const text of Object.values(NOTIFICATION_TEXT))
      expect(`${text.title} ${text.text}`).not.toMatch(/\d/);
  });

  it("go to clinical roles, or only to the listed activity codes when there are any", () => {
    const nurse = { activityCodes: ["B0264"] };
    expect(roleIsNotified(nurse, true, policy)).toBe(true);
    expect(roleIsNotified(nurse, false, policy)).toBe(false);
    expect(roleIsNotified(null, true, policy)).toBe(false);
    expect(roleIsNotified(nurse, true, { ...policy, activityCodes: ["B0360"] })).toBe(false);
    expect(roleIsNotified({ activityCodes: ["B0360"] }, true, { ...policy, activityCodes: ["B0360"] })).toBe(
      true,
    );
  });
});
