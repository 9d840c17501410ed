import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseYamlSubset } from "./yaml-subset.ts";

describe("parseYamlSubset", () => {
  it("reads mappings, sequences of scalars and of mappings, flow sequences and quoted scalars", () => {
    const text = [
      "# a comment",
      "type: object",
      "properties:",
      "  id:",
      "    minLength: 1",
      "    example: https://api.service.nhs.uk/x/9912003888",
      "  filtering:",
      "    oneOf:",
      "      - type: string",
      "      - type: array",
      "        items:",
      "          type: integer",
      "    example:",
      "      list: ['one', 'it''s', \"two\"]",
      "      flag: true",
      "required:",
      "  - id",
      "  - '1.0'",
    ].join("\n");
    expect(parseYamlSubset(text)).toEqual({
      type: "object",
      properties: {
        id: { minLength: 1, example: "https://api.service.nhs.uk/x/9912003888" },
        filtering: {
          oneOf: [{ type: "string" }, { type: "array", items: { type: "integer" } }],
          example: { list: ["one", "it's", "two"], flag: true },
        },
      },
      required: ["id", "1.0"],
    });
  });

  it("reads MNS's CloudEvent schema as published", () => {
    const schema = parseYamlSubset(
      readFileSync(join(import.meta.dirname, "mns-schemas", "mns-publish-cloudevent.yaml"), "utf8"),
    ) as { required: string[]; properties: Record<string, { type?: string; format?: string }> };
    expect(schema.required).toEqual(["id", "source", "specversion", "type", "time"]);
    expect(schema.properties["time"]).toMatchObject({ type: "string", format: "date-time" });
    expect(Object.keys(schema.properties)).toEqual([
      "id",
      "source",
      "specversion",
      "type",
      "subject",
      "time",
      "dataref",
      "versionid",
      "filtering",
    ]);
  });

  it.each([
    ["anchors", "a: &x 1"],
    ["block scalars", "a: |\n  text"],
    ["flow mappings", "a: {b: 1}"],
    ["multi-line flow sequences", "a: [1,\n  2]"],
    ["duplicate keys", "a: 1\na: 2"],
    ["tabs", "a:\n\tb: 1"],
    ["empty values", "a:\nb: 1"],
  ])("refuses %s rather than misreading them", (_what, text) => {
    expect(() => parseYamlSubset(text)).toThrow(/YAML line/);
  });
});
