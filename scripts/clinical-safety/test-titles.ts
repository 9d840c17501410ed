/**
 * The titles of the tests in a vitest file, read from its source without running it, so the hazard
 * log can be checked on every run without starting a single suite. Finds `describe`, `it`, `test`
 * and `suite` calls (with `.skip`, `.only`, `.each(…)`, `.for(…)`… chains) whose first argument is
 * a string or template literal, and nests them as the source does. Interpolations (`${…}`) and
 * vitest's placeholders (`%s`, `%i`, `$name`…) match anything, since their values are only known
 * when the suite runs.
 */
import { type Token, tokenize } from "./test-source-tokens.ts";

export interface TitleNode {
  readonly kind: "describe" | "test";
  /** The title as written, placeholders kept and each `${…}` shown as "…"; null when not a literal. */
  readonly title: string | null;
  readonly pattern: RegExp | null;
  readonly children: TitleNode[];
}

const DESCRIBES = new Set(["describe", "suite"]);
const TESTS = new Set(["it", "test"]);
const MODIFIERS = new Set(["skip", "only", "concurrent", "sequential", "todo", "fails", "shuffle"]);
const CALL_MODIFIERS = new Set(["each", "for", "skipIf", "runIf"]);
/** vitest's printf-style placeholders (`%%` is a plain "%"), and `$name` / `$a.b` for objects. */
const PLACEHOLDER = /%%|%[sdifjoO#$]|\$[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*/g;

interface Found {
  readonly node: TitleNode;
  /** Index of the token closing the call's argument list: later calls before it are inside. */
  readonly close: number;
}

/** The tree of test and describe titles in `source`. */
export function testTitles(source: string): TitleNode[] {
  const tokens = tokenize(source);
  const pairs = matchingBrackets(tokens);
  const roots: TitleNode[] = [];
  const open: Found[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const found = titledCallAt(tokens, pairs, index);
    if (!found) continue;
    while (open.length > 0 && (open.at(-1) as Found).close < index) open.pop();
    (open.at(-1)?.node.children ?? roots).push(found.node);
    open.push(found);
  }
  return roots;
}

/** Whether `name` ("title" or "outer title > … > title") names a test or block in the tree. */
export function hasTestNamed(roots: readonly TitleNode[], name: string): boolean {
  const segments = name.split(" > ");
  const visit = (node: TitleNode, chain: readonly TitleNode[]): boolean => {
    const path = [...chain, node];
    if (suffixMatches(path, segments)) return true;
    return node.children.some((child) => visit(child, path));
  };
  return roots.some((root) => visit(root, []));
}

function suffixMatches(path: readonly TitleNode[], segments: readonly string[]): boolean {
  if (segments.length > path.length) return false;
  const tail = path.slice(path.length - segments.length);
  return tail.every((node, i) => node.pattern?.test(segments[i] as string) ?? false);
}

function titledCallAt(tokens: readonly Token[], pairs: Map<number, number>, index: number): Found | null {
  const token = tokens[index] as Token;
  const kind = DESCRIBES.has(token.value) ? "describe" : TESTS.has(token.value) ? "test" : null;
  if (token.kind !== "ident" || !kind) return null;
  const before = tokens[index - 1];
  if (before && (before.value === "." || before.value === "function")) return null;
  let at = index + 1;
  while (tokens[at]?.value === "." && isModifier(tokens[at + 1])) {
    at += 2;
    if (CALL_MODIFIERS.has(tokens[at - 1]?.value ?? "") && tokens[at]?.value === "(")
      at = (pairs.get(at) ?? at) + 1;
  }
  if (tokens[at]?.value !== "(" || tokens[at]?.kind !== "punct") return null;
  const close = pairs.get(at);
  if (close === undefined) return null;
  const title = literalTitle(tokens, at + 1);
  return {
    node: { kind, title: title?.text ?? null, pattern: title?.pattern ?? null, children: [] },
    close,
  };
}

function isModifier(token: Token | undefined): boolean {
  return token?.kind === "ident" && (MODIFIERS.has(token.value) || CALL_MODIFIERS.has(token.value));
}

/** The first argument's text and pattern, when it is a literal standing alone. */
function literalTitle(tokens: readonly Token[], at: number): { text: string; pattern: RegExp } | null {
  const first = tokens[at];
  const after = tokens[at + 1]?.value;
  if (!first?.parts || (after !== "," && after !== ")")) return null;
  const text = first.parts.map((part) => part ?? "…").join("");
  const body = first.parts.map((part) => (part === null ? ".*" : literalPattern(part))).join("");
  return { text, pattern: new RegExp(`^${body}$`, "s") };
}

function literalPattern(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    out += escapeRegExp(text.slice(last, match.index)) + (match[0] === "%%" ? "%" : ".*");
    last = match.index + match[0].length;
  }
  return out + escapeRegExp(text.slice(last));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** For each opening bracket's index, the index of the bracket that closes it. */
function matchingBrackets(tokens: readonly Token[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const stack: number[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== "punct") return;
    if ("([{".includes(token.value)) stack.push(index);
    else if (")]}".includes(token.value)) {
      const opened = stack.pop();
      if (opened !== undefined) pairs.set(opened, index);
    }
  });
  return pairs;
}
