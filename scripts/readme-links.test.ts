/** Every relative link in README.md and the folder READMEs resolves to a file in the repository. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function readmes(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "node_modules" || entry.name.startsWith(".") || entry.name === "data"
        ? []
        : readmes(path);
    return entry.name === "README.md" ? [path] : [];
  });
}

describe("README links", () => {
  it("resolve, in README.md and every folder README", () => {
    const broken: string[] = [];
    for (const file of readmes(".")) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (!target || /^[a-z]+:/i.test(target)) continue;
        if (!existsSync(join(ROOT, dirname(file), target))) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("say in Requirements that npm's engine warnings on an older system Node are expected", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const requirements = readme.split("## Requirements")[1]?.split("\n## ")[0] ?? "";
    expect(requirements).toContain("EBADENGINE");
    expect(requirements).toContain(".nvmrc");
  });
});
