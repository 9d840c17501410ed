/**
 * The hazard log itself: it matches its schema and every rule (named tests exist, ratings follow
 * the matrix, justifications given, ids unique), its schema's word lists are the risk matrix's,
 * and the generated pages are up to date. The named suites are read, never run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkHazardLog,
  describeProblems,
  type HazardLog,
  readHazardLog,
  SAFETY_DIR,
  SCHEMA_PATH,
} from "./hazard-log.ts";
import { renderHazardLogPage } from "./hazard-log-page.ts";
import {
  acceptabilityOf,
  CONTROL_TYPES,
  LIKELIHOODS,
  riskRating,
  SEVERITIES,
  STATUSES,
} from "./risk-matrix.ts";
import { renderSafetyCase } from "./safety-case-page.ts";

const data = readHazardLog();

describe("the hazard log", () => {
  it("matches its schema and every rule, each design control naming tests that exist", () => {
    expect(describeProblems(checkHazardLog(data))).toBe("");
  });

  it("uses the risk matrix's words in its schema", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8"));
    const defs = schema.definitions;
    expect(defs.risk.properties.severity.enum).toEqual([...SEVERITIES]);
    expect(defs.risk.properties.likelihood.enum).toEqual([...LIKELIHOODS]);
    expect(defs.control.properties.type.enum).toEqual([...CONTROL_TYPES]);
    expect(defs.hazard.properties.status.enum).toEqual([...STATUSES]);
  });

  it("rates risk by the NHS Digital matrix, with 2 acceptable, 3 justified and 4 unacceptable", () => {
    expect(riskRating("minor", "very_low")).toBe(1);
    expect(riskRating("catastrophic", "very_low")).toBe(3);
    expect(riskRating("considerable", "medium")).toBe(3);
    expect(riskRating("significant", "high")).toBe(3);
    expect(riskRating("minor", "very_high")).toBe(3);
    expect(riskRating("catastrophic", "very_high")).toBe(5);
    expect([1, 2, 3, 4, 5].map((r) => acceptabilityOf(r as 1 | 2 | 3 | 4 | 5))).toEqual([
      "acceptable",
      "acceptable",
      "needs_justification",
      "unacceptable",
      "unacceptable",
    ]);
  });

  it("keeps hazard-log.md and safety-case.md in step with the log (npm run docs:safety)", () => {
    const log = data as HazardLog;
    expect(readFileSync(join(SAFETY_DIR, "hazard-log.md"), "utf8")).toBe(renderHazardLogPage(log));
    expect(readFileSync(join(SAFETY_DIR, "safety-case.md"), "utf8")).toBe(renderSafetyCase(log));
  });
});
