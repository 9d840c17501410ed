/**
 * Just enough of a TypeScript tokenizer to find test titles: identifiers, punctuation, and string,
 * template and regular-expression literals read whole, so a quote or bracket inside one (a test's
 * regex often holds both) never upsets the bracket matching that nests describe blocks.
 */

export interface Token {
  readonly kind: "ident" | "punct" | "literal" | "other";
  readonly value: string;
  /** A string or template literal's text: literal pieces, and null for each `${…}`. */
  readonly parts?: readonly (string | null)[];
}

/** After these words a `/` starts a regular expression, not a division. */
const EXPRESSION_KEYWORDS = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  v: "\v",
};

/** The tokens of `source`, comments and white space left out. */
export function tokenize(source: string): Token[] {
  return new Lexer(source).all();
}

class Lexer {
  readonly #src: string;
  #pos = 0;
  #prev: Token | undefined;

  constructor(source: string) {
    this.#src = source;
  }

  all(): Token[] {
    const tokens: Token[] = [];
    while (this.#skipSpace()) tokens.push(this.#token());
    return tokens;
  }

  /** Skips white space and comments; says whether anything is left. */
  #skipSpace(): boolean {
    for (;;) {
      const rest = this.#src.slice(this.#pos, this.#pos + 2);
      if (/^\s/.test(rest)) this.#pos++;
      else if (rest === "//") this.#pos = this.#endOf("\n", this.#pos);
      else if (rest === "/*") this.#pos = this.#endOf("*/", this.#pos + 2) + 1;
      else return this.#pos < this.#src.length;
    }
  }

  #endOf(marker: string, from: number): number {
    const at = this.#src.indexOf(marker, from);
    return at === -1 ? this.#src.length : at + 1;
  }

  #token(): Token {
    const token = this.#read();
    this.#prev = token;
    return token;
  }

  #read(): Token {
    const c = this.#src[this.#pos] as string;
    if (c === '"' || c === "'") return this.#string(c);
    if (c === "`") return this.#template();
    const word = /^[A-Za-z_$][\w$]*/.exec(this.#src.slice(this.#pos, this.#pos + 200));
    if (word) return this.#take("ident", word[0].length);
    const number = /^[0-9][\w.]*/.exec(this.#src.slice(this.#pos, this.#pos + 200));
    if (number) return this.#take("other", number[0].length);
    if (c === "/" && this.#regexAllowed()) return this.#regex();
    return this.#take("punct", 1);
  }

  #take(kind: Token["kind"], length: number): Token {
    const value = this.#src.slice(this.#pos, this.#pos + length);
    this.#pos += length;
    return { kind, value };
  }

  #regexAllowed(): boolean {
    const prev = this.#prev;
    if (!prev) return true;
    if (prev.kind === "ident") return EXPRESSION_KEYWORDS.has(prev.value);
    if (prev.kind === "punct") return !")]}".includes(prev.value);
    return false;
  }

  #string(quote: string): Token {
    const start = this.#pos++;
    let text = "";
    while (this.#pos < this.#src.length && this.#src[this.#pos] !== quote) {
      if (this.#src[this.#pos] === "\n") break;
      text += this.#char();
    }
    this.#pos++;
    return { kind: "literal", value: this.#src.slice(start, this.#pos), parts: [text] };
  }

  #template(): Token {
    const start = this.#pos++;
    const parts: (string | null)[] = [];
    let text = "";
    while (this.#pos < this.#src.length && this.#src[this.#pos] !== "`") {
      if (this.#src.startsWith("${", this.#pos)) {
        parts.push(text, null);
        text = "";
        this.#skipInterpolation();
      } else text += this.#char();
    }
    this.#pos++;
    parts.push(text);
    return { kind: "literal", value: this.#src.slice(start, this.#pos), parts };
  }

  /** Skips `${ … }`, reading what is inside as tokens so nested literals and braces balance. */
  #skipInterpolation(): void {
    this.#pos += 2;
    let depth = 1;
    while (depth > 0 && this.#skipSpace()) {
      const token = this.#token();
      if (token.kind !== "punct") continue;
      if (token.value === "{") depth++;
      else if (token.value === "}") depth--;
    }
  }

  /** One character of a literal, escapes read as the runtime reads them. */
  #char(): string {
    const c = this.#src[this.#pos++] as string;
    if (c !== "\\") return c;
    const next = this.#src[this.#pos++] as string;
    const code = /^(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))/.exec(
      this.#src.slice(this.#pos - 1, this.#pos + 10),
    );
    if (code) {
      this.#pos += code[0].length - 1;
      return String.fromCodePoint(Number.parseInt(code[1] ?? code[2] ?? code[3] ?? "0", 16));
    }
    if (next === "\n") return "";
    return SIMPLE_ESCAPES[next] ?? next;
  }

  #regex(): Token {
    const start = this.#pos++;
    let inClass = false;
    while (this.#pos < this.#src.length) {
      const c = this.#src[this.#pos++];
      if (c === "\\") this.#pos++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if ((c === "/" && !inClass) || c === "\n") break;
    }
    while (/[a-z]/.test(this.#src[this.#pos] ?? "")) this.#pos++;
    return { kind: "other", value: this.#src.slice(start, this.#pos) };
  }
}
