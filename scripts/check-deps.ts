/**
 * The dependency rules, checked on every `npm run check`:
 *  - domain folders know nothing of HTTP, SQL, adapters or the OIDC libraries;
 *  - platform/ knows no domain;
 *  - simulators/ and src/ never import each other (an independent simulator catches our bugs
 *    instead of sharing them).
 * Prints each violation as file: import, and exits 1 if there is any.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const DOMAINS = ["identity", "patients", "launch", "audit", "events", "api-access", "records"];
const DOMAIN_FORBIDDEN_PACKAGES = [
  /^fastify$/,
  /^@fastify\//,
  /^kysely/,
  /^pg$/,
  /^openid-client$/,
  /^oidc-provider$/,
  /^nunjucks$/,
  /^undici$/,
];

export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (entry.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
export function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g;
  for (const match of source.matchAll(pattern)) specifiers.push((match[1] ?? match[2] ?? match[3]) as string);
  return specifiers;
}

function area(path: string): string {
  return relative(ROOT, path).split("/").slice(0, 2).join("/");
}

/** Checks one file's imports against the rules. */
export function violationsOf(file: string, source: string): Violation[] {
  const violations: Violation[] = [];
  const from = area(file);
  // Tests (and their support files) may drive simulators; production code never.
  const isTest = file.endsWith(".test.ts") || file.endsWith(".test-support.ts");
  for (const specifier of importsOf(source)) {
    const target = specifier.startsWith(".") ? area(resolve(dirname(file), specifier)) : `pkg:${specifier}`;
    const add = (rule: string) => violations.push({ file: relative(ROOT, file), specifier, rule });
    if (from.startsWith("simulators/") && target.startsWith("src/")) add("simulators must not import src/");
    if (from.startsWith("src/") && target.startsWith("simulators/") && !isTest)
      add("src/ must not import simulators/");
    const domain = DOMAINS.find((d) => from === `src/${d}`);
    if (domain && !isTest) {
      if (["src/national", "src/storage", "src/web", "src/ops", "src/composition"].includes(target))
        add(`domain ${domain} must not import ${target}`);
      if (DOMAIN_FORBIDDEN_PACKAGES.some((p) => p.test(specifier)))
        add(`domain ${domain} must not import ${specifier}`);
    }
    if (from === "src/platform" && DOMAINS.some((d) => target === `src/${d}`))
      add("platform must not import a domain");
  }
  return violations;
}

function main(): void {
  const files = [...tsFiles(join(ROOT, "src")), ...tsFiles(join(ROOT, "simulators"))];
  const violations = files.flatMap((file) => violationsOf(file, readFileSync(file, "utf8")));
  for (const v of violations) console.error(`${v.file}: imports "${v.specifier}" — ${v.rule}`);
  if (violations.length > 0) process.exit(1);
}

if (import.meta.main) main();
