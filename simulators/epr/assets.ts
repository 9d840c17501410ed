/** The EPR's own stylesheet and its one script, served from `/assets/`. */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export const ASSET_PREFIX = "/assets/";

const FILES: Record<string, string> = {
  "epr.css": "text/css; charset=utf-8",
  "desktop-launch.js": "text/javascript; charset=utf-8",
};

export async function findAsset(path: string): Promise<{ type: string; body: Buffer } | undefined> {
  const name = path.slice(ASSET_PREFIX.length);
  const type = FILES[name];
  if (!type) return undefined;
  return { type, body: await readFile(fileURLToPath(new URL(`./assets/${name}`, import.meta.url))) };
}
