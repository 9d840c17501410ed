/**
 * Canonical JSON for audit records: the one byte-exact text a record is hashed as, so the same
 * record always gives the same chain hash whoever wrote it and in whatever key order.
 *
 * The rules follow RFC 8785 (JCS) for the values audit records hold: object keys sorted by UTF-16
 * code units, recursively; no whitespace; strings escaped as `JSON.stringify` does (which is what
 * JCS specifies); numbers as `JSON.stringify` writes them (JCS uses the same ECMAScript number form).
 * Anything JSON cannot carry faithfully is refused rather than silently dropped or converted.
 */

/** Why a value cannot be written as canonical JSON, and where (`$.agent[0].who`). */
export class CanonicalJsonError extends Error {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = "CanonicalJsonError";
    this.path = path;
  }
}

/** A value canonical JSON accepts. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Lone surrogates cannot be encoded as UTF-8, so two different strings could hash alike.
function writeString(value: string, path: string): string {
  if (!value.isWellFormed()) throw new CanonicalJsonError(path, "string holds a lone UTF-16 surrogate");
  return JSON.stringify(value);
}

function writeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a finite number`);
  return JSON.stringify(value);
}

function writeArray(value: readonly unknown[], path: string, open: Set<object>): string {
  const items: string[] = [];
  // Indexing rather than map() so that holes in sparse arrays are seen (and refused) as undefined.
  for (let i = 0; i < value.length; i++) items.push(write(value[i], `${path}[${i}]`, open));
  return `[${items.join(",")}]`;
}

function writeObject(value: object, path: string, open: Set<object>): string {
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new CanonicalJsonError(path, "object has symbol keys");
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 asks for.
  const members = Object.keys(record)
    .sort()
    .map((key) => `${writeString(key, path)}:${write(record[key], `${path}.${key}`, open)}`);
  return `{${members.join(",")}}`;
}

function writeContainer(value: object, path: string, open: Set<object>): string {
  if (open.has(value)) throw new CanonicalJsonError(path, "value refers to itself");
  open.add(value);
  try {
    if (Array.isArray(value)) return writeArray(value, path, open);
    if (isPlainObject(value)) return writeObject(value, path, open);
    const kind = value.constructor?.name ?? "object";
    throw new CanonicalJsonError(
      path,
      `${kind} is not a plain object; convert it first (e.g. a Date to an ISO string)`,
    );
  } finally {
    open.delete(value);
  }
}

function write(value: unknown, path: string, open: Set<object>): string {
  switch (typeof value) {
    case "string":
      return writeString(value, path);
    case "number":
      return writeNumber(value, path);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return value === null ? "null" : writeContainer(value, path, open);
    default:
      throw new CanonicalJsonError(path, `${typeof value} cannot be written as JSON`);
  }
}

/**
 * The canonical JSON text of `value`.
 *
 * @throws CanonicalJsonError for `undefined`, functions, symbols, bigints, non-finite numbers,
 *   strings with lone surrogates, non-plain objects (Date, Map, class instances…), symbol keys,
 *   sparse arrays and cycles; the error names the path of the offending value.
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$", new Set());
}
