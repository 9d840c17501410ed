/**
 * Loads the simulator's bundled data from `fixtures/`: the PDS sandbox's patients and error
 * templates (copied unchanged) plus our own synthetic patients and NHS-number changes. Reading
 * from the simulator's own folder keeps it runnable on a machine without the shared fixtures.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { OperationOutcome, Patient } from "fhir/r4.js";
import { z } from "zod";

export const FIXTURES_DIR = join(import.meta.dirname, "fixtures");
export const SANDBOX_DIR = join(FIXTURES_DIR, "sandbox");
export const EXTRA_DIR = join(FIXTURES_DIR, "extra");

export interface NhsNumberChanges {
  superseded: { nhsNumber: string; survivor: string }[];
  invalidated: string[];
}

export interface InitialData {
  /** Every patient record, sandbox first, in a stable order. */
  patients: Patient[];
  changes: NhsNumberChanges;
}

const patientShape = z.looseObject({ resourceType: z.literal("Patient"), id: z.string().regex(/^\d{10}$/) });
const outcomeShape = z.looseObject({
  resourceType: z.literal("OperationOutcome"),
  issue: z.array(z.unknown()),
});
const changesShape = z.strictObject({
  superseded: z.array(z.strictObject({ nhsNumber: z.string(), survivor: z.string() })),
  invalidated: z.array(z.string()),
});

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

function jsonFiles(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir)
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => join(dir, name));
}

function loadPatients(dir: string): Patient[] {
  return jsonFiles(dir, /^patient_\d{10}\.json$/).map((path) => {
    const parsed = patientShape.safeParse(readJson(path));
    if (!parsed.success) throw new Error(`${path} is not a PDS Patient: ${parsed.error.message}`);
    // Checked above for the fields the simulator relies on; the rest is served as written.
    return parsed.data as Patient;
  });
}

/** Loads all patients and the NHS-number changes (superseded and invalidated numbers). */
export function loadInitialData(): InitialData {
  const patients = [...loadPatients(join(SANDBOX_DIR, "patients")), ...loadPatients(EXTRA_DIR)];
  const changes = changesShape.parse(readJson(join(EXTRA_DIR, "nhs-number-changes.json")));
  return { patients, changes };
}

/** Loads the sandbox's OperationOutcome templates keyed by Spine error code (the file name). */
export function loadErrorTemplates(): Map<string, OperationOutcome> {
  const templates = new Map<string, OperationOutcome>();
  for (const path of jsonFiles(join(SANDBOX_DIR, "errors"), /^[A-Z_]+\.json$/)) {
    const parsed = outcomeShape.safeParse(readJson(path));
    if (!parsed.success) throw new Error(`${path} is not an OperationOutcome: ${parsed.error.message}`);
    const code = basename(path, ".json");
    templates.set(code, parsed.data as OperationOutcome);
  }
  return templates;
}
