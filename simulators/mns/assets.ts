/**
 * NHS.UK frontend assets for the control page. The stylesheet is served without its
 * `@font-face` rules (they fetch fonts from an NHS CDN, and the page must make no outside
 * requests) and with its image URLs pointed at the simulator's own asset path.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, extname, join } from "node:path";
import type { FastifyInstance } from "fastify";

/** Where the page links its assets from (the control plugin's `/assets/` under `/_sim`). */
export const ASSET_PATH = "/_sim/assets";

const nhsukDir = join(
  dirname(createRequire(import.meta.url).resolve("nhsuk-frontend/package.json")),
  "dist",
  "nhsuk",
);

const TYPES: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

let stylesheet: Promise<string> | undefined;

/** The NHS.UK stylesheet with web fonts removed (the system font stack applies instead). */
export function localStylesheet(): Promise<string> {
  stylesheet ??= readFile(join(nhsukDir, "nhsuk-frontend.min.css"), "utf8").then((css) =>
    css.replace(/@font-face\{[^}]*\}/g, "").replaceAll("url(/assets/", `url(${ASSET_PATH}/`),
  );
  return stylesheet;
}

/** The package file an asset name maps to; only plain names in its asset folders, so no traversal. */
function assetFile(name: string): string | undefined {
  if (name.startsWith("images/")) return join("assets", "images", basename(name));
  if (name === "manifest.json") return join("assets", "manifest.json");
  return undefined;
}

/** Registers `GET /assets/*` on the control plugin. */
export function registerAssets(control: FastifyInstance): void {
  control.get<{ Params: { "*": string } }>("/assets/*", async (request, reply) => {
    const name = request.params["*"];
    reply.header("cache-control", "public, max-age=3600");
    if (name === "nhsuk-frontend.min.css")
      return reply.type("text/css; charset=utf-8").send(await localStylesheet());
    const file = assetFile(name);
    const type = file ? TYPES[extname(file)] : undefined;
    if (!file || !type) return reply.code(404).send({ error: "no such asset" });
    try {
      return reply.type(type).send(await readFile(join(nhsukDir, file)));
    } catch {
      return reply.code(404).send({ error: "no such asset" });
    }
  });
}
