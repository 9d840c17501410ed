/** The hazard log's checker, on small logs each broken in one way, so every rule is seen to fail. */
import { describe, expect, it } from "vitest";
import { checkHazardLog, type Problem, type TestFiles } from "./hazard-log.ts";

const SUITE = `
describe.each(["sqlite", "postgres"])("Open in NCRS on %s", (dialect) => {
  it("refuses a launch from a stale page", async () => {});
});
`;
const files: TestFiles = (file) => (file === "test/launch.test.ts" ? SUITE : undefined);

function hazard(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "H-001",
    title: "Wrong patient",
    causes: ["A stale page"],
    effect: "NCRS opens on another patient.",
    harm: "Wrong treatment.",
    initial: { severity: "major", likelihood: "medium", risk: 3 },
    controls: [
      {
        type: "design",
        description: "Stale pages cannot launch.",
        tests: [{ file: "test/launch.test.ts", name: "refuses a launch from a stale page" }],
      },
    ],
    residual: { severity: "major", likelihood: "very_low", risk: 2 },
    status: "mitigated",
    ...changes,
  };
}

function log(...hazards: Record<string, unknown>[]): Record<string, unknown> {
  return { system: "NCRS Connect", scope: "All of it.", intended_use: "Opening NCRS.", hazards };
}

const rulesOf = (problems: Problem[]) => problems.map((p) => p.rule);

function withTest(file: string, name: string) {
  return hazard({
    controls: [{ type: "design", description: "Stale pages cannot launch.", tests: [{ file, name }] }],
  });
}

describe("the hazard log checker", () => {
  it("passes a log that keeps every rule", () => {
    expect(checkHazardLog(log(hazard()), files)).toEqual([]);
  });

  it("refuses a log that does not match the schema, naming where", () => {
    const problems = checkHazardLog(log(hazard({ status: "done", causes: [] })), files);
    expect(rulesOf(problems)).toEqual(["schema", "schema"]);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/\/hazards\/0\/status/);
    expect(rulesOf(checkHazardLog({ hazards: [] }, files))).toContain("schema");
  });

  it("refuses a risk rating that does not follow the matrix, initial or residual", () => {
    const wrong = hazard({
      initial: { severity: "major", likelihood: "medium", risk: 4 },
      residual: { severity: "major", likelihood: "very_low", risk: 1 },
    });
    const problems = checkHazardLog(log(wrong), files);
    expect(rulesOf(problems)).toEqual(["risk_rating", "risk_rating"]);
    expect(problems[0]?.message).toBe("initial risk is 4, but major × medium rates 3");
  });

  it("refuses a residual risk above the initial one", () => {
    const worse = hazard({
      residual: { severity: "catastrophic", likelihood: "medium", risk: 4 },
      status: "open",
    });
    expect(rulesOf(checkHazardLog(log({ ...worse, justification: "More harm found." }), files))).toEqual([
      "residual_above_initial",
    ]);
  });

  it("refuses a test file that does not exist", () => {
    const problems = checkHazardLog(log(withTest("test/gone.test.ts", "refuses a launch")), files);
    expect(rulesOf(problems)).toEqual(["test_file_missing"]);
    expect(problems[0]).toMatchObject({ hazard: "H-001" });
  });

  it("refuses a test name that is not in the file", () => {
    const problems = checkHazardLog(log(withTest("test/launch.test.ts", "opens NCRS twice")), files);
    expect(rulesOf(problems)).toEqual(["test_name_missing"]);
    expect(problems[0]?.message).toContain('test/launch.test.ts has no "opens NCRS twice"');
  });

  it("finds a test named with its describe block, placeholders matching their values", () => {
    for (const name of [
      "Open in NCRS on sqlite > refuses a launch from a stale page",
      "Open in NCRS on %s > refuses a launch from a stale page",
      "Open in NCRS on postgres",
    ])
      expect(checkHazardLog(log(withTest("test/launch.test.ts", name)), files)).toEqual([]);
    const wrongBlock = withTest("test/launch.test.ts", "Launch > refuses a launch from a stale page");
    expect(rulesOf(checkHazardLog(log(wrongBlock), files))).toEqual(["test_name_missing"]);
  });

  it("refuses a design control without a test, but not information given to users", () => {
    const untested = hazard({
      controls: [
        { type: "design", description: "Stale pages cannot launch.", tests: [] },
        { type: "design", description: "Contexts expire." },
        { type: "training_and_information", description: "The banner names the patient." },
      ],
    });
    expect(rulesOf(checkHazardLog(log(untested), files))).toEqual([
      "design_without_test",
      "design_without_test",
    ]);
  });

  it("refuses a residual risk above the acceptable level without a justification", () => {
    const medium = hazard({ residual: { severity: "major", likelihood: "low", risk: 3 } });
    expect(rulesOf(checkHazardLog(log(medium), files))).toEqual(["justification_missing"]);
    expect(rulesOf(checkHazardLog(log({ ...medium, justification: "   " }), files))).toEqual([
      "justification_missing",
    ]);
    expect(checkHazardLog(log({ ...medium, justification: "NCRS's own timeout applies." }), files)).toEqual(
      [],
    );
  });

  it("refuses to call an unacceptable residual risk mitigated, even with a justification", () => {
    const high = hazard({
      initial: { severity: "major", likelihood: "high", risk: 4 },
      residual: { severity: "major", likelihood: "high", risk: 4 },
      justification: "Nothing more can be done.",
    });
    expect(rulesOf(checkHazardLog(log(high), files))).toEqual(["unacceptable_residual"]);
    expect(checkHazardLog(log({ ...high, status: "open" }), files)).toEqual([]);
  });

  it("refuses two hazards with one id", () => {
    const problems = checkHazardLog(log(hazard(), hazard({ title: "Another" })), files);
    expect(problems).toEqual([
      { rule: "duplicate_id", hazard: "H-001", message: "H-001 is used by another hazard" },
    ]);
  });

  it("never reads a test file outside the project", () => {
    const outside = withTest("../../etc/passwd.test.ts", "anything");
    expect(rulesOf(checkHazardLog(log(outside)))).toEqual(["test_file_missing"]);
  });
});
