/**
 * Where the embedded button's script is and its Subresource Integrity hash, read from NCRS
 * Connect's `/embed/v1/manifest.json` on first use and kept. An absent or unreadable manifest is
 * not kept, so a later page tries again (NCRS Connect may start after the EPR); meanwhile the page
 * loads the script without `integrity` and says so.
 */
import type { EprKit } from "./epr-kit.ts";
import { callNcrs, isObject } from "./ncrs-client.ts";

export const BUTTON_SCRIPT = "ncrs-open-button.js";

export interface ButtonScript {
  url: string;
  /** Absent when the manifest could not be read. */
  integrity?: string;
  /** Why there is no integrity, in words. */
  note?: string;
}

const known = new WeakMap<EprKit, ButtonScript>();

export async function buttonScript(kit: EprKit): Promise<ButtonScript> {
  const cached = known.get(kit);
  if (cached) return cached;
  const fallback = `${kit.ncrsConnectUrl}/embed/v1/${BUTTON_SCRIPT}`;
  const answer = await callNcrs(kit, { method: "GET", path: "/embed/v1/manifest.json" });
  const entry = isObject(answer.body) ? answer.body[BUTTON_SCRIPT] : undefined;
  if (answer.status !== 200 || !isObject(entry) || typeof entry["integrity"] !== "string")
    return {
      url: fallback,
      note: `no SRI hash: /embed/v1/manifest.json answered ${answer.status || "nothing"}`,
    };
  const url =
    typeof entry["url"] === "string" ? new URL(entry["url"], `${kit.ncrsConnectUrl}/`).href : fallback;
  const script = { url, integrity: entry["integrity"] };
  known.set(kit, script);
  return script;
}
