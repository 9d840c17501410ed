/**
 * Launch ids: what the EHR hands an app in `launch=` when its user opens the app from a patient's
 * page. Random, bound to the patient, the encounter, the EHR user, the browser session and the
 * app; used once, at authorize; five minutes to live.
 */
import { randomBytes } from "node:crypto";
import type { SmartScenario } from "./scenarios.ts";

export const LAUNCH_LIFETIME_MS = 5 * 60 * 1000;

export interface SmartLaunch {
  id: string;
  clientId: string;
  /** The Patient id (the MRN). */
  patient: string;
  /** The Encounter id, when the launch is in one. */
  encounter?: string;
  /** The EHR user's CIS2 id (the Practitioner id). */
  userSub: string;
  /** The EPR session (browser) the launch was made in. */
  sessionId: string;
  scenario?: SmartScenario;
  expiresAt: number;
}

export type LaunchProblem = "unknown" | "expired" | "used" | "other_client";

export class LaunchStore {
  readonly #live = new Map<string, SmartLaunch>();
  /** Ids already used, so a replay is named as such (kept as long as the launch would have lived). */
  readonly #used = new Map<string, number>();

  create(fields: Omit<SmartLaunch, "id" | "expiresAt">, now = Date.now()): SmartLaunch {
    this.#sweep(now);
    const launch = {
      ...fields,
      id: randomBytes(18).toString("base64url"),
      expiresAt: now + LAUNCH_LIFETIME_MS,
    };
    this.#live.set(launch.id, launch);
    return launch;
  }

  /** The launch, used up by this call; or why it cannot be used. */
  take(id: string, clientId: string, now = Date.now()): SmartLaunch | LaunchProblem {
    if (this.#used.has(id)) return "used";
    const launch = this.#live.get(id);
    if (!launch) return "unknown";
    if (launch.clientId !== clientId) return "other_client";
    this.#live.delete(id);
    this.#used.set(id, launch.expiresAt);
    return launch.expiresAt <= now ? "expired" : launch;
  }

  /** Moves a launch's clock: tests of the five-minute limit. */
  expire(id: string): boolean {
    const launch = this.#live.get(id);
    if (launch) launch.expiresAt = 0;
    return launch !== undefined;
  }

  #sweep(now: number): void {
    for (const [id, launch] of this.#live)
      if (launch.expiresAt <= now - LAUNCH_LIFETIME_MS) this.#live.delete(id);
    for (const [id, until] of this.#used) if (until <= now - LAUNCH_LIFETIME_MS) this.#used.delete(id);
  }
}
