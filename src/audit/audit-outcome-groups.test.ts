import { describe, expect, it } from "vitest";
import { OUTCOME_GROUPS } from "./audit-outcome-groups.ts";
import { OUTCOME_CODES, OUTCOMES } from "./audit-outcomes.ts";

describe("the outcome list's groups", () => {
  it("hold every code of the controlled list exactly once, under a heading of its own", () => {
    const grouped = OUTCOME_GROUPS.flatMap((g) => g.codes);
    expect([...grouped].sort()).toEqual([...OUTCOME_CODES].sort());
    expect(new Set(grouped).size).toBe(grouped.length);
    expect(new Set(OUTCOME_GROUPS.map((g) => g.heading)).size).toBe(OUTCOME_GROUPS.length);
    for (const group of OUTCOME_GROUPS) expect(group.codes.length, group.heading).toBeGreaterThan(0);
  });

  it("read as plain sentences: no markup in any outcome's meaning", () => {
    for (const [code, { meaning }] of Object.entries(OUTCOMES)) {
      expect(meaning, code).not.toMatch(/[`*_<>[\]]/);
      expect(meaning, code).toMatch(/^[A-Z].*\.$/);
    }
  });
});
