import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXTRA_DIR, loadErrorTemplates, loadInitialData, SANDBOX_DIR } from "./fixtures.ts";
import { isValidNhsNumber } from "./nhs-number.ts";

const REPO_ROOT = join(import.meta.dirname, "..", "..");
const SHARED_PDS = join(REPO_ROOT, "..", "shared", "fixtures", "pds");

function sortedFiles(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe("bundled sandbox copies", () => {
  it("can find the shared fixtures to compare against", () => {
    // CI always has the shared folder; without it this check would silently prove nothing.
    expect(existsSync(SHARED_PDS), `shared PDS fixtures not found at ${SHARED_PDS}`).toBe(true);
  });

  it.each(["patients", "errors"])("%s/ holds exactly the shared files, byte for byte", (folder) => {
    const shared = sortedFiles(join(SHARED_PDS, folder));
    expect(sortedFiles(join(SANDBOX_DIR, folder))).toEqual(shared);
    for (const name of shared) {
      const ours = readFileSync(join(SANDBOX_DIR, folder, name));
      expect(ours.equals(readFileSync(join(SHARED_PDS, folder, name))), `${folder}/${name} differs`).toBe(
        true,
      );
    }
  });

  it("keeps the upstream licence beside the data", () => {
    const ours = readFileSync(join(SANDBOX_DIR, "LICENSE"));
    expect(ours.equals(readFileSync(join(SHARED_PDS, "LICENSE")))).toBe(true);
  });

  it("has the 15 patients and 19 error templates the README promises", () => {
    expect(sortedFiles(join(SANDBOX_DIR, "patients"))).toHaveLength(15);
    expect(loadErrorTemplates().size).toBe(19);
  });
});

describe("synthetic patients", () => {
  const extra = loadInitialData().patients.filter((patient) => patient.id?.startsWith("999"));

  it("are all loaded", () => {
    const files = readdirSync(EXTRA_DIR).filter((name) => name.startsWith("patient_"));
    expect(extra).toHaveLength(files.length);
    expect(extra.length).toBeGreaterThanOrEqual(16);
  });

  it.each(extra.map((patient) => [patient.id, patient] as const))(
    "%s is a well-formed 999-range record",
    (id, patient) => {
      expect(id).toMatch(/^999\d{7}$/);
      expect(isValidNhsNumber(id ?? "")).toBe(true);
      expect(patient.identifier?.[0]?.value).toBe(id);
      const verification = patient.identifier?.[0]?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code;
      expect(verification).toBe("01");
      expect(patient.meta?.versionId).toMatch(/^\d+$/);
      expect(["U", "R"]).toContain(patient.meta?.security?.[0]?.code);
    },
  );

  it("name every NHS-number change after a known patient", () => {
    const { patients, changes } = loadInitialData();
    const ids = new Set(patients.map((patient) => patient.id));
    for (const { nhsNumber, survivor } of changes.superseded) {
      expect(ids.has(nhsNumber) && ids.has(survivor)).toBe(true);
    }
    for (const nhsNumber of changes.invalidated) expect(ids.has(nhsNumber)).toBe(true);
  });
});
