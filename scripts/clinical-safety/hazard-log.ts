/**
 * The hazard log (docs/clinical-safety/hazard-log.yaml): reading it, and checking it as a whole
 * against its schema and the rules that make it evidence rather than prose: ratings follow the
 * risk matrix, every design control names a test that exists, a residual risk above the acceptable
 * level is argued for, and ids are unique. Each problem names its rule and its hazard.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import {
  ACCEPTABLE_RISK,
  acceptabilityOf,
  type ControlType,
  type Likelihood,
  type RiskRating,
  riskRating,
  type Severity,
  type Status,
} from "./risk-matrix.ts";
import { hasTestNamed, type TitleNode, testTitles } from "./test-titles.ts";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const SAFETY_DIR = join(ROOT, "docs", "clinical-safety");
export const HAZARD_LOG_PATH = join(SAFETY_DIR, "hazard-log.yaml");
export const SCHEMA_PATH = join(SAFETY_DIR, "hazard-log.schema.json");

export interface Risk {
  readonly severity: Severity;
  readonly likelihood: Likelihood;
  readonly risk: RiskRating;
}

export interface NamedTest {
  readonly file: string;
  readonly name: string;
}

export interface Control {
  readonly type: ControlType;
  readonly description: string;
  readonly tests?: readonly NamedTest[];
}

export interface Hazard {
  readonly id: string;
  readonly title: string;
  readonly causes: readonly string[];
  readonly effect: string;
  readonly harm: string;
  readonly initial: Risk;
  readonly controls: readonly Control[];
  readonly residual: Risk;
  readonly status: Status;
  readonly justification?: string;
}

export interface HazardLog {
  readonly system: string;
  readonly scope: string;
  readonly intended_use: string;
  readonly open_items?: readonly string[];
  readonly hazards: readonly Hazard[];
}

export type Rule =
  | "schema"
  | "duplicate_id"
  | "risk_rating"
  | "residual_above_initial"
  | "design_without_test"
  | "test_file_missing"
  | "test_name_missing"
  | "justification_missing"
  | "unacceptable_residual";

export interface Problem {
  readonly rule: Rule;
  readonly hazard: string | null;
  readonly message: string;
}

/** The source of a test file named in the log (path from the project root), or undefined. */
export type TestFiles = (file: string) => string | undefined;

/** Test files as they are on disk. */
export const testFilesOnDisk: TestFiles = (file) => {
  const path = resolve(ROOT, file);
  return path.startsWith(`${ROOT}/`) && existsSync(path) ? readFileSync(path, "utf8") : undefined;
};

/** The log's YAML, parsed strictly (a duplicate key is an error, not a silent overwrite). */
export function readHazardLog(path: string = HAZARD_LOG_PATH): unknown {
  return parseYaml(readFileSync(path, "utf8"), { uniqueKeys: true, strict: true });
}

let validator: ReturnType<Ajv["compile"]> | undefined;

function schemaProblems(data: unknown): Problem[] {
  validator ??= new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(SCHEMA_PATH, "utf8")));
  if (validator(data)) return [];
  return (validator.errors ?? []).map((error) => ({
    rule: "schema",
    hazard: null,
    message: `${error.instancePath || "/"} ${error.message ?? error.keyword}`,
  }));
}

/** Every problem with the log; none means it may be published. */
export function checkHazardLog(data: unknown, files: TestFiles = testFilesOnDisk): Problem[] {
  const problems = schemaProblems(data);
  if (problems.length > 0) return problems;
  const log = data as HazardLog;
  const titles = new Map<string, TitleNode[] | null>();
  const titlesOf = (file: string): TitleNode[] | null => {
    if (!titles.has(file)) {
      const source = files(file);
      titles.set(file, source === undefined ? null : testTitles(source));
    }
    return titles.get(file) ?? null;
  };
  return [
    ...duplicateIds(log),
    ...log.hazards.flatMap((hazard) => [
      ...riskProblems(hazard),
      ...evidenceProblems(hazard, titlesOf),
      ...acceptanceProblems(hazard),
    ]),
  ];
}

function duplicateIds(log: HazardLog): Problem[] {
  const seen = new Set<string>();
  return log.hazards.flatMap((hazard) => {
    if (!seen.has(hazard.id)) {
      seen.add(hazard.id);
      return [];
    }
    return [{ rule: "duplicate_id", hazard: hazard.id, message: `${hazard.id} is used by another hazard` }];
  });
}

function riskProblems(hazard: Hazard): Problem[] {
  const problems: Problem[] = [];
  for (const stage of ["initial", "residual"] as const) {
    const { severity, likelihood, risk } = hazard[stage];
    const expected = riskRating(severity, likelihood);
    if (risk !== expected)
      problems.push({
        rule: "risk_rating",
        hazard: hazard.id,
        message: `${stage} risk is ${risk}, but ${severity} × ${likelihood} rates ${expected}`,
      });
  }
  if (hazard.residual.risk > hazard.initial.risk)
    problems.push({
      rule: "residual_above_initial",
      hazard: hazard.id,
      message: `residual risk ${hazard.residual.risk} is above the initial ${hazard.initial.risk}`,
    });
  return problems;
}

function evidenceProblems(hazard: Hazard, titlesOf: (file: string) => TitleNode[] | null): Problem[] {
  return hazard.controls.flatMap((control, index): Problem[] => {
    const tests = control.tests ?? [];
    const where = `control ${index + 1} ("${control.description.slice(0, 60)}")`;
    if (control.type === "design" && tests.length === 0)
      return [{ rule: "design_without_test", hazard: hazard.id, message: `${where} names no test` }];
    return tests.flatMap((test): Problem[] => {
      const titles = titlesOf(test.file);
      if (titles === null)
        return [{ rule: "test_file_missing", hazard: hazard.id, message: `${where}: no file ${test.file}` }];
      if (hasTestNamed(titles, test.name)) return [];
      return [
        {
          rule: "test_name_missing",
          hazard: hazard.id,
          message: `${where}: ${test.file} has no "${test.name}"`,
        },
      ];
    });
  });
}

function acceptanceProblems(hazard: Hazard): Problem[] {
  const acceptability = acceptabilityOf(hazard.residual.risk);
  const problems: Problem[] = [];
  if (acceptability !== "acceptable" && !hazard.justification?.trim())
    problems.push({
      rule: "justification_missing",
      hazard: hazard.id,
      message: `residual risk ${hazard.residual.risk} is above ${ACCEPTABLE_RISK} and needs a justification`,
    });
  // An unacceptable risk may be recorded, but not closed as if it were dealt with.
  if (acceptability === "unacceptable" && (hazard.status === "mitigated" || hazard.status === "closed"))
    problems.push({
      rule: "unacceptable_residual",
      hazard: hazard.id,
      message: `residual risk ${hazard.residual.risk} is unacceptable, so the hazard cannot be ${hazard.status}`,
    });
  return problems;
}

/** One line per problem, for a failing test or the docs script. */
export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.hazard ?? "log"} [${p.rule}] ${p.message}`).join("\n");
}
