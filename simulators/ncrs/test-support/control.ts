/**
 * Reads and drives the NCRS simulator's control API from tests.
 */
import type { LaunchEntry } from "../launch-log.ts";

/** The launch log, oldest first. */
export async function launches(origin: string): Promise<LaunchEntry[]> {
  const response = await fetch(`${origin}/_sim/launches`);
  return (await response.json()) as LaunchEntry[];
}

/** The most recent launch. */
export async function lastLaunch(origin: string): Promise<LaunchEntry> {
  const entry = (await launches(origin)).at(-1);
  if (!entry) throw new Error("no launch logged");
  return entry;
}

/** Sets (or clears) the global scenario; returns the response status. */
export async function setScenario(origin: string, scenario: string | null): Promise<number> {
  const response = await fetch(`${origin}/_sim/scenario`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ scenario }),
  });
  await response.body?.cancel();
  return response.status;
}
