/** The launch domain's vocabulary. */
import type { Actor } from "../identity/identity.events.ts";
import type { DeviceProfile } from "../identity/identity.types.ts";
import type { RolePolicy } from "../identity/roles.ts";
import type { NhsNumber } from "../patients/nhs-number.ts";
import type { LaunchTemplate } from "./launch-template.ts";

/** Where a launch was asked for: our patient page, the HTTP API for other systems, or the button embedded in one. */
export type LaunchSource = "patient_page" | "api" | "embed";

/** What the browser reported after the click. */
/**
 * What the page script saw after the click. `ncrs_answered`: the tab reached us and then NCRS's
 * answer loaded in it (what NCRS showed is NCRS's and unknown to us). `ncrs_not_answered`: the tab
 * reached us, but NCRS had not answered in it within the wait. `opened`: the tab reached us, and its
 * load could not be watched (a reused NCRS tab already showing an NCRS page). `popup_blocked`: the
 * tab never reached us.
 */
export type BrowserOutcome = "opened" | "ncrs_answered" | "ncrs_not_answered" | "popup_blocked";

export const BROWSER_OUTCOMES: readonly BrowserOutcome[] = [
  "opened",
  "ncrs_answered",
  "ncrs_not_answered",
  "popup_blocked",
];

/** Who the launch was for, captured when the launch id was issued (so even a refused launch says who). */
export interface LaunchActor extends Actor {
  readonly deviceProfile: DeviceProfile;
}

/** An issued launch: the opaque id is the capability; only its digest is stored. */
export interface LaunchIntent {
  /** Public reference for audit and support (not the capability). */
  readonly ref: string;
  readonly tokenHash: string;
  readonly actor: LaunchActor;
  readonly contextId: string;
  readonly patientId: string;
  readonly nhsNumber: NhsNumber;
  readonly source: LaunchSource;
  readonly encounterId: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
  /** `launched` or `blocked.<reason>` once decided. */
  readonly outcome: string | null;
  readonly browserOutcome: BrowserOutcome | null;
  /** The registered system that asked, when it launched through the API acting for the user. */
  readonly apiClientId: string | null;
}

/** How launches behave (from configuration). */
export interface LaunchSettings {
  readonly template: LaunchTemplate;
  readonly launchIdTtlSeconds: number;
  readonly duplicateWindowSeconds: number;
  readonly verificationStaleSeconds: number;
  readonly roles: RolePolicy;
}
