import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalJson } from "./canonical-json.ts";

function problemAt(value: unknown): string | undefined {
  try {
    canonicalJson(value);
    return undefined;
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
    return error.path;
  }
}

describe("canonicalJson", () => {
  it("writes the same text whatever order the keys were set in", () => {
    const a = { type: "launch.requested", actor: { role: "R8000", id: "555" }, at: 1 };
    const b = { at: 1, actor: { id: "555", role: "R8000" }, type: "launch.requested" };
    expect(canonicalJson(a)).toBe('{"actor":{"id":"555","role":"R8000"},"at":1,"type":"launch.requested"}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it("sorts keys inside arrays of objects but keeps array order", () => {
    const value = { list: [{ b: 2, a: 1 }, [3, { d: null, c: true }], "x"], empty: {}, none: [] };
    expect(canonicalJson(value)).toBe(
      '{"empty":{},"list":[{"a":1,"b":2},[3,{"c":true,"d":null}],"x"],"none":[]}',
    );
  });

  it("sorts keys by UTF-16 code units, as RFC 8785 does", () => {
    // U+FB33 sorts after 😀 (U+1F600): its code unit 0xFB33 is above 😀's first surrogate 0xD83D,
    // although its code point is lower. Sorting by code point would put them the other way round.
    const value = { "\ufb33": 1, "😀": 2, "€": 3, a: 4, B: 5, "": 6 };
    expect(canonicalJson(value)).toBe('{"":6,"B":5,"a":4,"€":3,"😀":2,"דּ":1}');
  });

  it("keeps unicode as it is and escapes only what JSON requires", () => {
    const value = { name: "Zoë Ó'Brien 😀", note: 'tab\tquote"back\\slash\nnul\u0000' };
    expect(canonicalJson(value)).toBe(
      '{"name":"Zoë Ó\'Brien 😀","note":"tab\\tquote\\"back\\\\slash\\nnul\\u0000"}',
    );
  });

  it("writes numbers as JSON.stringify does", () => {
    expect(canonicalJson([0, -0, 1, -7, 9007199254740991, 1e21, 0.5])).toBe(
      "[0,0,1,-7,9007199254740991,1e+21,0.5]",
    );
  });

  it("accepts objects without a prototype and top-level scalars", () => {
    const bare = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
    expect(canonicalJson("x")).toBe('"x"');
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(false)).toBe("false");
  });

  it("allows the same object twice when it is not a cycle", () => {
    const shared = { a: 1 };
    expect(canonicalJson({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
  });
});

describe("canonicalJson refuses what JSON cannot carry faithfully", () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic["self"] = cyclic;
  const sparse: number[] = [];
  sparse[0] = 1;
  sparse[2] = 3;

  it.each([
    ["undefined member", { a: undefined }, "$.a"],
    ["undefined at the top", undefined, "$"],
    ["function", { f: () => 1 }, "$.f"],
    ["symbol", [Symbol("s")], "$[0]"],
    ["bigint", { n: 10n }, "$.n"],
    ["NaN", { n: Number.NaN }, "$.n"],
    ["Infinity", [1, Number.POSITIVE_INFINITY], "$[1]"],
    ["Date", { at: new Date(0) }, "$.at"],
    ["Map", { m: new Map() }, "$.m"],
    ["class instance", { e: new Error("x") }, "$.e"],
    ["boxed string", { s: new String("x") }, "$.s"],
    ["sparse array", { list: sparse }, "$.list[1]"],
    ["symbol key", { [Symbol("k")]: 1 }, "$"],
    ["lone surrogate", { s: "a\ud800b" }, "$.s"],
    ["lone surrogate in a key", { "\udc00": 1 }, "$"],
    ["cycle", cyclic, "$.self"],
  ])("%s", (_what, value, path) => {
    expect(problemAt(value)).toBe(path);
  });

  it("explains the problem in the message", () => {
    expect(() => canonicalJson({ at: new Date(0) })).toThrow("$.at: Date is not a plain object");
    expect(() => canonicalJson({ n: Number.NaN })).toThrow("$.n: NaN is not a finite number");
  });
});
