/**
 * NHS.UK frontend assets for the simulator's pages, served by the simulator itself. The stylesheet
 * loses its `@font-face` rules (they fetch fonts from an NHS CDN, and the pages must make no
 * outside request: the system font stack applies instead), and its image URLs point here.
 * Written for this simulator rather than shared with the CIS2 one, so each stands alone.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, extname, join } from "node:path";

export const ASSET_PREFIX = "/nationalcarerecordsservice/assets/";

const nhsukDir = join(
  dirname(createRequire(import.meta.url).resolve("nhsuk-frontend/package.json")),
  "dist",
  "nhsuk",
);

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

export interface Asset {
  type: string;
  body: string | Buffer;
}

let stylesheet: Promise<string> | undefined;

function localStylesheet(): Promise<string> {
  stylesheet ??= readFile(join(nhsukDir, "nhsuk-frontend.min.css"), "utf8").then((css) =>
    css.replace(/@font-face\{[^}]*\}/g, "").replaceAll("url(/assets/", `url(${ASSET_PREFIX}`),
  );
  return stylesheet;
}

/** Where an asset name lives in the package; only plain names in known folders (no traversal). */
function packagePath(name: string): string | undefined {
  if (name === "manifest.json") return join("assets", "manifest.json");
  if (name.startsWith("images/") && basename(name) === name.slice("images/".length)) {
    return join("assets", "images", basename(name));
  }
  return undefined;
}

/** The asset at `path` (under ASSET_PREFIX), or undefined when there is none. */
export async function findAsset(path: string): Promise<Asset | undefined> {
  const name = path.slice(ASSET_PREFIX.length);
  if (name === "nhsuk-frontend.min.css") return { type: TYPES[".css"] ?? "", body: await localStylesheet() };
  const relative = packagePath(name);
  const type = relative ? TYPES[extname(relative)] : undefined;
  if (!relative || !type) return undefined;
  try {
    return { type, body: await readFile(join(nhsukDir, relative)) };
  } catch {
    return undefined;
  }
}
