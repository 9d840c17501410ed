/**
 * The assurance checklists (docs/assurance/*.md) name the tests that prove each requirement, as
 * `file`: “title”, and the code that meets it, as `src/…` paths: every named test must exist (read
 * from source, as the hazard log's are, placeholders matching anything) and every path must be a
 * file, so a renamed test or a moved module cannot leave a claim standing unproved.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTestNamed, testTitles } from "./clinical-safety/test-titles.ts";

const ROOT = resolve(import.meta.dirname, "..");
const DIR = join(ROOT, "docs/assurance");

/** Every `file.test.ts`: “title” in a checklist, with the titles that follow the file in one cell. */
function namedTests(markdown: string): { file: string; name: string }[] {
  const found: { file: string; name: string }[] = [];
  for (const cell of markdown.split("|")) {
    let file: string | null = null;
    for (const match of cell.matchAll(/`([\w./-]+\.test\.ts)`|“([^”]+)”/g)) {
      if (match[1]) file = match[1];
      else if (file && match[2]) found.push({ file, name: match[2] });
    }
  }
  return found;
}

function codePaths(markdown: string): string[] {
  return [...markdown.matchAll(/`((?:src|simulators|scripts)\/[\w./-]+\.(?:ts|njk))`/g)].map(
    (m) => m[1] as string,
  );
}

const checklists = readdirSync(DIR).filter((f) => f.endsWith(".md") && f !== "README.md");

describe("assurance checklists", () => {
  it("reads a test reference and the titles after it, in one table cell", () => {
    expect(namedTests("| `a.test.ts`: “one”; “two” | `b.test.ts`: “three” |")).toEqual([
      { file: "a.test.ts", name: "one" },
      { file: "a.test.ts", name: "two" },
      { file: "b.test.ts", name: "three" },
    ]);
  });

  it.each(checklists)("%s: every test it names exists, and every code path it names is a file", (name) => {
    const markdown = readFileSync(join(DIR, name), "utf8");
    const tests = namedTests(markdown);
    expect(tests.length).toBeGreaterThan(10);
    const missing = tests.filter(({ file, name: title }) => {
      const path = join(ROOT, file);
      return !existsSync(path) || !hasTestNamed(testTitles(readFileSync(path, "utf8")), title);
    });
    expect(missing).toEqual([]);
    expect(codePaths(markdown).filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });
});
