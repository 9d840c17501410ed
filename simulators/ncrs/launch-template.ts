/**
 * The launch URL template, as the point-of-care app is configured with it. NCRS's real deep-link
 * format is not public, so the simulator does not guess one: it derives its launch route and the
 * parameter names from whatever template it is given, e.g.
 * `http://localhost:3103/nationalcarerecordsservice/launch?nhsNumber={nhsNumber}` or
 * `http://localhost:3103/ncrs/patient/{nhsNumber}/summary?from={system}`.
 *
 * Placeholders are `{name}`. They may stand for whole or partial path segments and for whole or
 * partial query values; they may not sit in the host, in a query name or in the fragment (a
 * server never sees the fragment, so it could not read the value). `{nhsNumber}` is required.
 */

/** The placeholder the simulator reads the patient's NHS number from. */
export const NHS_NUMBER_PLACEHOLDER = "nhsNumber";

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A pattern over one piece of text (a path or a query value) with placeholders in it. */
interface Pattern {
  regex: RegExp;
  names: string[];
}

interface QueryPart {
  key: string;
  /** The template's value text, placeholders included. */
  text: string;
  pattern: Pattern;
}

export interface LaunchTemplate {
  /** The template exactly as configured. */
  template: string;
  /** The template's path, placeholders included, e.g. `/nationalcarerecordsservice/launch`. */
  path: string;
  /** Every placeholder name, in order of first appearance. */
  names: string[];
  /**
   * Reads a request against the template: `undefined` when the path is not the launch route,
   * otherwise every named parameter (`null` when the request lacks it).
   */
  read(url: URL): Record<string, string | null> | undefined;
  /** Builds a launch URL from parameter values (URL-encoded). */
  fill(values: Record<string, string>): string;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Builds an anchored pattern: literal text matches itself (after `literal`, which decodes query
 * text because query values are compared decoded), a placeholder matches `valueClass`.
 */
function compile(text: string, valueClass: string, literal = (t: string) => t): Pattern {
  const names: string[] = [];
  let source = "";
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    source += escapeRegex(literal(text.slice(last, match.index)));
    source += `(${valueClass}+)`;
    names.push(match[1] ?? "");
    last = match.index + match[0].length;
  }
  source += escapeRegex(literal(text.slice(last)));
  return { regex: new RegExp(`^${source}$`), names };
}

function assertBalanced(text: string, where: string): void {
  const leftover = text.replace(PLACEHOLDER, "");
  if (/[{}]/.test(leftover)) {
    throw new Error(`launch template: malformed placeholder in the ${where} (use {name}): ${text}`);
  }
}

function splitTemplate(template: string): { path: string; query: string } {
  const match = /^https?:\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(template);
  if (!match) throw new Error(`launch template: not an absolute http(s) URL: ${template}`);
  const [, host = "", path = "", query = "", fragment = ""] = match;
  if (/[{}]/.test(host)) throw new Error("launch template: placeholders cannot be in the host");
  if (/[{}]/.test(fragment)) {
    throw new Error("launch template: placeholders in the fragment never reach a server");
  }
  assertBalanced(path, "path");
  assertBalanced(query, "query");
  return { path: path === "" ? "/" : path, query };
}

function parseQuery(query: string): QueryPart[] {
  if (query === "") return [];
  return query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const text = eq < 0 ? "" : pair.slice(eq + 1);
    if (/[{}]/.test(key)) throw new Error(`launch template: placeholder in a query name: ${key}`);
    return { key: decodeURIComponent(key), text, pattern: compile(text, ".", safeDecode) };
  });
}

function readPath(pattern: Pattern, pathname: string): Record<string, string> | undefined {
  const match = pattern.regex.exec(pathname);
  if (!match) return undefined;
  const values: Record<string, string> = {};
  pattern.names.forEach((name, index) => {
    values[name] ??= safeDecode(match[index + 1] ?? "");
  });
  return values;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function readQuery(parts: QueryPart[], url: URL, values: Record<string, string | null>): void {
  for (const part of parts) {
    const raw = url.searchParams.get(part.key);
    const match = raw === null ? null : part.pattern.regex.exec(raw);
    part.pattern.names.forEach((name, index) => {
      if (values[name] !== undefined && values[name] !== null) return;
      values[name] = match ? (match[index + 1] ?? null) : null;
    });
  }
}

function fillText(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => encodeURIComponent(values[name] ?? ""));
}

/**
 * Parses a launch URL template; throws with a clear message when the simulator could not serve it
 * (placeholder in the host or fragment, malformed braces, no `{nhsNumber}`).
 */
export function parseLaunchTemplate(template: string): LaunchTemplate {
  const { path, query } = splitTemplate(template);
  // A path placeholder stops at a slash, so `/patient/{nhsNumber}/summary` reads one segment.
  const pathPattern = compile(path, "[^/]");
  const queryParts = parseQuery(query);
  const names = [...new Set([...pathPattern.names, ...queryParts.flatMap((part) => part.pattern.names)])];
  if (!names.includes(NHS_NUMBER_PLACEHOLDER)) {
    throw new Error(`launch template: no {${NHS_NUMBER_PLACEHOLDER}} placeholder in ${template}`);
  }
  return {
    template,
    path,
    names,
    read(url) {
      const fromPath = readPath(pathPattern, url.pathname);
      if (!fromPath) return undefined;
      const values: Record<string, string | null> = { ...fromPath };
      readQuery(queryParts, url, values);
      for (const name of names) values[name] ??= null;
      return values;
    },
    fill(values) {
      return fillText(template, values);
    },
  };
}
