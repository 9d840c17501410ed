import { describe, expect, it } from "vitest";
import { isVisible, visibleTypes } from "./pointer-visibility.ts";

const CRISIS = "736253002";
const RESPECT = "1382601000000107";
const NEWS2 = "1363501000000100";

describe("pointer types a role and organisation may see", () => {
  it("shows every type under the default rule", () => {
    const visible = visibleTypes({ activityCodes: [], odsCode: "RX1" }, [{ types: ["*"] }]);
    expect(visible).toBe("all");
    expect(isVisible(NEWS2, visible)).toBe(true);
  });

  it("unions the types of every rule whose role and organisation apply", () => {
    const rules = [
      { types: [CRISIS], activityCodes: ["B0380"] },
      { types: [RESPECT], odsCodes: ["RX1"] },
      { types: [NEWS2], activityCodes: ["B0264"], odsCodes: ["RX1"] },
    ];
    const nurse = visibleTypes({ activityCodes: ["B0380"], odsCode: "RX1" }, rules);
    expect([CRISIS, RESPECT, NEWS2].filter((t) => isVisible(t, nurse))).toEqual([CRISIS, RESPECT]);
    const elsewhere = visibleTypes({ activityCodes: ["B0264"], odsCode: "RR8" }, rules);
    expect([CRISIS, RESPECT, NEWS2].filter((t) => isVisible(t, elsewhere))).toEqual([]);
  });

  it("shows nothing when no rule applies", () => {
    const visible = visibleTypes({ activityCodes: ["B0001"], odsCode: "RX1" }, [
      { types: ["*"], activityCodes: ["B0380"] },
    ]);
    expect(isVisible(CRISIS, visible)).toBe(false);
  });
});
