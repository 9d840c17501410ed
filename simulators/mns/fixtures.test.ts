import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const OURS = join(import.meta.dirname, "fixtures", "upstream");
const SHARED_MNS = join(import.meta.dirname, "..", "..", "..", "shared", "fixtures", "mns");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("bundled MNS schema and example copies", () => {
  it("can find the shared fixtures to compare against", () => {
    // Without the shared folder the byte comparison below would silently prove nothing.
    expect(existsSync(SHARED_MNS), `shared MNS fixtures not found at ${SHARED_MNS}`).toBe(true);
  });

  const copies = filesUnder(OURS)
    .map((path) => relative(OURS, path))
    .filter((path) => path !== "README.md");

  it("holds the schema, the four PDS example signals, the CloudEvent schema and its nine examples", () => {
    expect(copies.filter((path) => path.startsWith("examples"))).toHaveLength(4);
    expect(copies.filter((path) => path.startsWith(join("cloudevents", "examples")))).toHaveLength(9);
    expect(copies).toContain("fhirsignal.schema.json");
    expect(copies).toContain("LICENSE");
  });

  it.each(copies)("%s is byte for byte the shared file", (path) => {
    expect(readFileSync(join(OURS, path)).equals(readFileSync(join(SHARED_MNS, path)))).toBe(true);
  });
});
