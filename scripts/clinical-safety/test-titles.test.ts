/** Reading test titles from source without running it: nesting, each-tables and placeholders. */
import { describe, expect, it } from "vitest";
import { hasTestNamed, type TitleNode, testTitles } from "./test-titles.ts";

function outline(nodes: readonly TitleNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${"  ".repeat(depth)}${n.kind}: ${n.title}`,
    ...outline(n.children, depth + 1),
  ]);
}

describe("test titles read from source", () => {
  it("nests it, test and each-tables inside their describe blocks, as written", () => {
    const source = `
      describe.each(dialects)("store on %s", (dialect) => {
        it("keeps one chain", async () => {});
        describe("duplicates", () => {
          it.each([
            ["a", 1],
            ["b", 2],
          ])("refuses %s with %i", () => {});
          test.skip("waits", () => {}, 1000);
        });
        it("times out", { timeout: 5 }, async () => {});
      });
      it("stands alone", () => {});`;
    expect(outline(testTitles(source))).toEqual([
      "describe: store on %s",
      "  test: keeps one chain",
      "  describe: duplicates",
      "    test: refuses %s with %i",
      "    test: waits",
      "  test: times out",
      "test: stands alone",
    ]);
  });

  it("is not confused by quotes and brackets in regexes, comments and other strings", () => {
    const source = `
      // describe("commented out", () => {
      /* it("also commented", () => { */
      describe("outer", () => {
        const pattern = /data-testid="x">([^<]+)</;
        const text = "it(\\"not a test\\")" + 'describe(' + \`\${"}"}\`;
        it("inner: \\"quoted\\" and it's fine", () => expect(a / b).toBe(c / d));
        regex.test("not a title");
      });`;
    expect(outline(testTitles(source))).toEqual([
      "describe: outer",
      '  test: inner: "quoted" and it\'s fine',
    ]);
  });

  it("keeps template literals, treating each interpolation as matching anything", () => {
    const [node] = testTitles(
      `for (const f of formats) it.each(rows)(\`refuses a \${f} delivery %s\`, () => {});`,
    );
    expect(node?.title).toBe("refuses a … delivery %s");
    expect(hasTestNamed([node as TitleNode], "refuses a fhir delivery not-json")).toBe(true);
    expect(hasTestNamed([node as TitleNode], "refuses a fhir upload not-json")).toBe(false);
  });

  it("matches printf and $name placeholders as wildcards, and %% as a percent sign", () => {
    const roots = testTitles(`
      it.each(v)("normalises $input to $out.value", () => {});
      it.each(v)("%j → %j", () => {});
      it("counts 100%% of %d", () => {});`);
    expect(hasTestNamed(roots, "normalises 943 476 5919 to 9434765919")).toBe(true);
    expect(hasTestNamed(roots, '"3" → 3')).toBe(true);
    expect(hasTestNamed(roots, "counts 100% of 7")).toBe(true);
    expect(hasTestNamed(roots, "counts 100%% of 7")).toBe(false);
  });

  it("names a test by its own title or by the titles above it, never by a title that is not its parent", () => {
    const roots = testTitles(`describe("a", () => { describe("b", () => { it("c", () => {}); }); });`);
    for (const name of ["c", "b > c", "a > b > c", "a", "a > b"])
      expect(hasTestNamed(roots, name), name).toBe(true);
    for (const name of ["a > c", "b > a > c", "x > c", "c > b", "d"])
      expect(hasTestNamed(roots, name), name).toBe(false);
  });

  it("leaves calls whose title is not a literal without a title, so nothing can name them", () => {
    const roots = testTitles(`it(name, () => {}); it("a" + suffix, () => {}); obj.describe("x");`);
    expect(outline(roots)).toEqual(["test: null", "test: null"]);
    expect(hasTestNamed(roots, "a")).toBe(false);
  });
});
