/**
 * Static assets: the NHS design system's stylesheet compiled from its Sass with the web-font
 * declarations switched off (they point at an NHS CDN, and our pages make no outside requests),
 * plus our own styles; the design system's images and script; our page scripts. The compiled CSS
 * is cached under DATA_DIR keyed by its inputs, so only the first start pays for the compile.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import * as sass from "sass";

export const NHSUK_ROOT = dirname(fileURLToPath(import.meta.resolve("nhsuk-frontend/package.json")));
const NHSUK_DIST = join(NHSUK_ROOT, "dist", "nhsuk");
const OWN_SCSS = fileURLToPath(new URL("./styles/app.scss", import.meta.url));
const OWN_STATIC = fileURLToPath(new URL("./static/", import.meta.url));

export interface Stylesheet {
  readonly css: string;
  readonly url: string;
}

let compiled: { key: string; sheet: Stylesheet } | undefined;

/** Compiles (or loads from cache) the stylesheet; memoised per process. */
export function stylesheet(cacheDir: string): Stylesheet {
  const ownScss = readFileSync(OWN_SCSS, "utf8");
  const version = (JSON.parse(readFileSync(join(NHSUK_ROOT, "package.json"), "utf8")) as { version: string })
    .version;
  const key = createHash("sha256").update(version).update(ownScss).digest("hex").slice(0, 16);
  if (compiled?.key === key) return compiled.sheet;
  const cachePath = join(cacheDir, `app.${key}.css`);
  let css: string;
  if (existsSync(cachePath)) css = readFileSync(cachePath, "utf8");
  else {
    css = sass.compile(OWN_SCSS, {
      loadPaths: [join(NHSUK_ROOT, "dist")],
      style: "compressed",
      quietDeps: true,
    }).css;
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cachePath, css);
  }
  compiled = { key, sheet: { css, url: `/static/app.${key}.css` } };
  return compiled.sheet;
}

export async function registerAssets(app: FastifyInstance, sheet: Stylesheet): Promise<void> {
  const nhsukScript = readFileSync(join(NHSUK_DIST, "nhsuk-frontend.min.js"));
  // Everything this plugin serves is public: its routes are marked so where they are created.
  await app.register(async (assets) => {
    assets.addHook("onRoute", (route) => {
      route.config = { ...route.config, access: "public" };
    });
    assets.get(sheet.url, async (_request, reply) =>
      reply
        .type("text/css; charset=utf-8")
        .header("cache-control", "public, max-age=31536000, immutable")
        .send(sheet.css),
    );
    assets.get("/static/nhsuk-frontend.min.js", async (_request, reply) =>
      reply
        .type("text/javascript; charset=utf-8")
        .header("cache-control", "public, max-age=86400")
        .send(nhsukScript),
    );
    await assets.register(fastifyStatic, {
      root: join(NHSUK_DIST, "assets"),
      prefix: "/assets/",
      maxAge: "1d",
      index: false,
    });
    await assets.register(fastifyStatic, {
      root: OWN_STATIC,
      prefix: "/static/",
      maxAge: "1h",
      index: false,
      decorateReply: false,
    });
  });
}
