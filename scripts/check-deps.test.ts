import { describe, expect, it } from "vitest";
import { importsOf, violationsOf } from "./check-deps.ts";

const at = (path: string) => `${import.meta.dirname}/../${path}`;

describe("dependency rules", () => {
  it("finds static, type-only, re-exported and dynamic imports", () => {
    const source =
      'import a from "./a.ts";\nimport type { B } from "../b.ts";\nexport { c } from "./c.ts";\nconst d = await import("./d.ts");\nimport "./e.ts";';
    expect(importsOf(source)).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts"]);
  });

  it("refuses a domain importing storage, an adapter or Fastify", () => {
    const source =
      'import { x } from "../storage/database.ts";\nimport { y } from "../national/cis2/x.ts";\nimport Fastify from "fastify";';
    expect(violationsOf(at("src/identity/thing.ts"), source).map((v) => v.rule)).toEqual([
      "domain identity must not import src/storage",
      "domain identity must not import src/national",
      "domain identity must not import fastify",
    ]);
  });

  it("refuses simulators and src importing each other", () => {
    expect(
      violationsOf(at("simulators/pds/x.ts"), 'import { a } from "../../src/identity/roles.ts";'),
    ).toHaveLength(1);
    expect(violationsOf(at("src/app.ts"), 'import { a } from "../simulators/pds/server.ts";')).toHaveLength(
      1,
    );
  });

  it("lets tests under src drive simulators, but not production code", () => {
    expect(
      violationsOf(
        at("src/national/pds/pds-client.test.ts"),
        'import { s } from "../../../simulators/pds/server.ts";',
      ),
    ).toEqual([]);
    expect(
      violationsOf(
        at("src/national/pds/pds-client.ts"),
        'import { s } from "../../../simulators/pds/server.ts";',
      ),
    ).toHaveLength(1);
  });

  it("allows a domain its own platform helpers, and tests their support code", () => {
    expect(
      violationsOf(at("src/identity/thing.ts"), 'import { AppError } from "../platform/errors.ts";'),
    ).toEqual([]);
    expect(
      violationsOf(at("src/storage/x.test.ts"), 'import { a } from "../../test/support/databases.ts";'),
    ).toEqual([]);
  });
});
