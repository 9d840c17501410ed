/**
 * Reads the small part of YAML that MNS's CloudEvent schema file uses: block mappings, block
 * sequences (of scalars or of mappings), one-line flow sequences and plain, single- or
 * double-quoted scalars. No YAML package is installed; anything outside this subset (anchors,
 * block scalars, multi-line flow collections) throws rather than being misread.
 */

interface Line {
  indent: number;
  text: string;
}

const KEY = /^([A-Za-z0-9_$-]+):(?:\s+(.*))?$/;

function toLines(source: string): Line[] {
  return source
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "" && !line.trim().startsWith("#"))
    .map((line) => ({ indent: line.length - line.trimStart().length, text: line.trim() }));
}

function splitFlow(inner: string): string[] {
  return inner.trim() === "" ? [] : inner.split(",").map((item) => item.trim());
}

function scalar(raw: string): unknown {
  if (/^[|>]/.test(raw) || /^[&*!]/.test(raw)) throw new Error(`unsupported YAML: ${raw}`);
  if (raw.startsWith("'")) return raw.slice(1, -1).replaceAll("''", "'");
  if (raw.startsWith('"')) return JSON.parse(raw);
  if (raw.startsWith("[")) {
    if (!raw.endsWith("]")) throw new Error(`unsupported multi-line flow sequence: ${raw}`);
    return splitFlow(raw.slice(1, -1)).map(scalar);
  }
  if (raw.startsWith("{")) throw new Error(`unsupported flow mapping: ${raw}`);
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === "true" || raw === "false") return raw === "true";
  if (raw === "null" || raw === "~") return null;
  return raw;
}

class Reader {
  readonly #lines: Line[];
  #at = 0;

  constructor(lines: Line[]) {
    this.#lines = lines;
  }

  node(indent: number): unknown {
    const line = this.#lines[this.#at];
    if (!line || line.indent < indent) return null;
    return line.text.startsWith("- ") || line.text === "-"
      ? this.#sequence(line.indent)
      : this.#mapping(line.indent);
  }

  #mapping(indent: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (let line = this.#lines[this.#at]; line && line.indent === indent; line = this.#lines[this.#at]) {
      const match = KEY.exec(line.text);
      if (!match?.[1]) throw new Error(`not a mapping entry: ${line.text}`);
      this.#at++;
      result[match[1]] = match[2] === undefined ? this.#child(indent) : scalar(match[2]);
    }
    return result;
  }

  /** A key's value on the following lines: deeper, or a sequence at the key's own indent. */
  #child(indent: number): unknown {
    const next = this.#lines[this.#at];
    if (!next) return null;
    if (next.indent > indent) return this.node(next.indent);
    if (next.indent === indent && next.text.startsWith("- ")) return this.#sequence(indent);
    return null;
  }

  #sequence(indent: number): unknown[] {
    const result: unknown[] = [];
    for (let line = this.#lines[this.#at]; line && line.indent === indent; line = this.#lines[this.#at]) {
      if (!line.text.startsWith("- ")) break;
      const item = line.text.slice(2).trim();
      if (KEY.test(item)) {
        // "- key: value" opens a mapping whose further keys sit under the first one.
        this.#lines[this.#at] = { indent: indent + 2, text: item };
        result.push(this.node(indent + 2));
      } else {
        this.#at++;
        result.push(scalar(item));
      }
    }
    return result;
  }
}

/** Parses a YAML document in the subset described above. */
export function parseYamlSubset(source: string): unknown {
  return new Reader(toLines(source)).node(0);
}
