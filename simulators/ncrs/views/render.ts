/**
 * Server-side rendering of the simulator's pages with Nunjucks and the NHS.UK frontend macros, so
 * the pages look like an NHS service and work without JavaScript.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";

const nhsukDist = join(
  dirname(createRequire(import.meta.url).resolve("nhsuk-frontend/package.json")),
  "dist",
);
const viewsDir = dirname(fileURLToPath(import.meta.url));

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([viewsDir, nhsukDist]), {
  autoescape: true,
  throwOnUndefined: false,
});

/** Renders `views/<name>.njk` with the given context. */
export function render(name: string, context: Record<string, unknown>): string {
  return env.render(`${name}.njk`, context);
}
