/**
 * Reads the part of YAML that MNS's published CloudEvent schema is written in, so the schema can
 * be used exactly as published rather than re-typed: block mappings and sequences by indentation,
 * sequence items that open a mapping (`- type: string`), one-line flow sequences, and plain or
 * quoted scalars. Anything else (anchors, tags, block scalars, flow mappings, multi-line flow)
 * throws: misreading a validation schema would silently weaken the intake.
 */

interface Line {
  readonly indent: number;
  readonly text: string;
  readonly number: number;
}

/** `key:` or `key: value`; a colon inside a value (as in URLs) is not followed by a space. */
const ENTRY = /^([A-Za-z0-9_$.-]+):(?: +(.*))?$/;

/** Parses `source`; throws an Error naming the line of anything outside the subset. */
export function parseYamlSubset(source: string): unknown {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    if (raw.includes("\t")) throw new Error(`YAML line ${index + 1}: tabs are not supported`);
    lines.push({ indent: raw.length - raw.trimStart().length, text, number: index + 1 });
  });
  if (lines.length === 0) return null;
  const reader = new BlockReader(lines);
  const value = reader.block((lines[0] as Line).indent);
  if (!reader.done()) throw new Error(`YAML line ${reader.peek()?.number}: unexpected indentation`);
  return value;
}

class BlockReader {
  readonly #lines: Line[];
  #at = 0;

  constructor(lines: Line[]) {
    this.#lines = lines;
  }

  done(): boolean {
    return this.#at >= this.#lines.length;
  }

  peek(): Line | undefined {
    return this.#lines[this.#at];
  }

  /** The mapping or sequence whose entries start at exactly `indent`. */
  block(indent: number): unknown {
    const first = this.peek();
    if (!first || first.indent !== indent) throw new Error(`YAML line ${first?.number}: expected a block`);
    return first.text.startsWith("- ") || first.text === "-" ? this.#sequence(indent) : this.#mapping(indent);
  }

  #mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (
      let line = this.peek();
      line && line.indent === indent && !line.text.startsWith("-");
      line = this.peek()
    ) {
      const match = ENTRY.exec(line.text);
      if (!match) throw new Error(`YAML line ${line.number}: expected "key: value"`);
      const key = match[1] as string;
      if (Object.hasOwn(out, key)) throw new Error(`YAML line ${line.number}: duplicate key ${key}`);
      this.#at++;
      out[key] = match[2] === undefined ? this.#nested(indent, line) : scalar(match[2], line.number);
    }
    return out;
  }

  #sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (
      let line = this.peek();
      line && line.indent === indent && line.text.startsWith("-");
      line = this.peek()
    ) {
      const rest = line.text.slice(1).trimStart();
      if (rest === "") {
        this.#at++;
        out.push(this.#nested(indent, line));
      } else if (ENTRY.test(rest)) {
        // "- key: value" opens a mapping whose keys line up with "key".
        const inner = indent + (line.text.length - rest.length);
        this.#lines[this.#at] = { indent: inner, text: rest, number: line.number };
        out.push(this.#mapping(inner));
      } else {
        this.#at++;
        out.push(scalar(rest, line.number));
      }
    }
    return out;
  }

  /** The value of an entry written on the following lines (more indented, or a sequence level with it). */
  #nested(indent: number, owner: Line): unknown {
    const next = this.peek();
    if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith("- "))))
      return this.block(next.indent);
    throw new Error(`YAML line ${owner.number}: empty values are not supported`);
  }
}

function scalar(raw: string, lineNumber: number): unknown {
  const fail = (why: string) => new Error(`YAML line ${lineNumber}: ${why}`);
  if (/^[&*!|>{]/.test(raw)) throw fail(`unsupported syntax ${raw.slice(0, 1)}`);
  if (raw.startsWith("'")) {
    if (!raw.endsWith("'") || raw.length < 2) throw fail("unterminated quoted scalar");
    return raw.slice(1, -1).replaceAll("''", "'");
  }
  if (raw.startsWith('"')) return JSON.parse(raw);
  if (raw.startsWith("[")) {
    if (!raw.endsWith("]")) throw fail("multi-line flow sequences are not supported");
    const inner = raw.slice(1, -1).trim();
    return inner === "" ? [] : inner.split(",").map((item) => scalar(item.trim(), lineNumber));
  }
  if (raw.includes(" #")) throw fail("comments after values are not supported");
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === "true" || raw === "false") return raw === "true";
  if (raw === "null" || raw === "~") return null;
  return raw;
}
