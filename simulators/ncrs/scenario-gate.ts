/**
 * Applies the global scenario to a page request before it is handled: `slow` waits, then lets the
 * request through; `unavailable` answers 503 itself. The control API and static assets are never
 * gated, so tests can always switch a scenario off and the 503 page keeps its styles.
 */
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { sendPage } from "./journey.ts";
import type { NcrsKit } from "./ncrs-kit.ts";
import { unavailablePage } from "./pages.ts";

/** True when the scenario has answered the request (nothing more to do). */
export async function answerScenario(kit: NcrsKit, res: ServerResponse): Promise<boolean> {
  if (kit.scenario.active === "slow") {
    // close() cuts the wait short; the request then proceeds on a server that is going away.
    await sleep(kit.slowDelayMs, undefined, { signal: kit.closing }).catch(() => {});
  }
  if (kit.scenario.active !== "unavailable") return false;
  sendPage(res, unavailablePage());
  return true;
}
