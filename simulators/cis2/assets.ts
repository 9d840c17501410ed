/**
 * NHS.UK frontend assets for the simulator's pages. The stylesheet is served without its
 * `@font-face` rules (they load fonts from an NHS CDN, and the simulator's pages must make no
 * outside requests), with its image URLs pointed at the simulator's own asset path.
 */
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { basename, dirname, extname, join } from "node:path";

export const ASSET_PREFIX = "/sim/assets/";

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
    css.replace(/@font-face\{[^}]*\}/g, "").replaceAll("url(/assets/", `url(${ASSET_PREFIX}`),
  );
  return stylesheet;
}

function send(res: ServerResponse, type: string, body: string | Buffer): void {
  res.writeHead(200, { "content-type": type, "cache-control": "public, max-age=3600" });
  res.end(body);
}

/** Serves `/sim/assets/…`; answers false when the path is not an asset it knows. */
export async function serveAsset(path: string, res: ServerResponse): Promise<boolean> {
  const name = path.slice(ASSET_PREFIX.length);
  if (name === "nhsuk-frontend.min.css") {
    send(res, "text/css; charset=utf-8", await localStylesheet());
    return true;
  }
  // Only plain file names inside the package's asset folders: no traversal.
  const file = name.startsWith("images/") ? join("assets", "images", basename(name)) : undefined;
  const manifest = name === "manifest.json" ? join("assets", "manifest.json") : undefined;
  const relative = file ?? manifest;
  const type = relative ? TYPES[extname(relative)] : undefined;
  if (!relative || !type) return false;
  try {
    send(res, type, await readFile(join(nhsukDir, relative)));
    return true;
  } catch {
    return false;
  }
}
