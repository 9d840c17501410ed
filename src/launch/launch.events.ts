/**
 * Payloads of the launch domain's events (listed with all others in src/domain-events.ts). Fields
 * are flat and nullable because a refused launch may know little: a launch id that was never
 * issued has no patient, and a request after sign-out has no session.
 */
import type { DeviceProfile } from "../identity/identity.types.ts";
import type { NhsNumber } from "../patients/nhs-number.ts";
import type { ClientInfo } from "../platform/client-info.ts";
import type { BrowserOutcome, LaunchActor, LaunchIntent, LaunchSource } from "./launch.types.ts";

export interface LaunchEventBase {
  readonly correlationId: string;
  /** The launch's public reference (null when the launch id presented was never issued). */
  readonly launchRef: string | null;
  readonly userId: string | null;
  readonly userName: string | null;
  readonly roleId: string | null;
  readonly roleCode: string | null;
  readonly orgCode: string | null;
  readonly sessionId: string | null;
  readonly workstationId: string | null;
  readonly deviceProfile: DeviceProfile | null;
  readonly patientId: string | null;
  readonly nhsNumber: NhsNumber | null;
  readonly source: LaunchSource;
  readonly encounterId: string | null;
  /** The registered system that asked (launches through the API with a bearer token). */
  readonly apiClientId: string | null;
  /** Where the request came from (address, browser), for support. */
  readonly client: ClientInfo;
}

/**
 * The launch went ahead. Its one record says the attempt, the checks it passed and the outcome;
 * there is no separate record of the request (docs/adr/0023-one-commit-per-launch.md).
 */
export interface LaunchRedirected extends LaunchEventBase {
  readonly outcome: "launched";
  /** The named checks it passed, in order: every one of them. */
  readonly checks: readonly string[];
  /** Origin of the NCRS environment the browser was sent to (never the full URL). */
  readonly ncrsOrigin: string;
  readonly durationMs: number;
}

export interface LaunchBlocked extends LaunchEventBase {
  /** `blocked.<reason>`, from the controlled list. */
  readonly outcome: string;
  /** The named check that failed. */
  readonly step: string;
  readonly durationMs: number;
}

export interface LaunchBrowserOutcomeReported extends LaunchEventBase {
  /** `browser.` and a BrowserOutcome. */
  readonly outcome: `browser.${BrowserOutcome}`;
}

/** The fields every launch event carries, from who launched and the launch (either may be unknown). */
export function launchEventBase(
  correlationId: string,
  actor: LaunchActor | null,
  intent: LaunchIntent | null,
  ref: string | null,
  client: ClientInfo,
): LaunchEventBase {
  return {
    client,
    correlationId,
    launchRef: ref,
    userId: actor?.userId ?? null,
    userName: actor?.userName ?? null,
    roleId: actor?.roleId ?? null,
    roleCode: actor?.roleCode ?? null,
    orgCode: actor?.orgCode ?? null,
    sessionId: actor?.sessionId ?? null,
    workstationId: actor?.workstationId ?? null,
    deviceProfile: actor?.deviceProfile ?? null,
    patientId: intent?.patientId ?? null,
    nhsNumber: intent?.nhsNumber ?? null,
    source: intent?.source ?? "patient_page",
    encounterId: intent?.encounterId ?? null,
    apiClientId: intent?.apiClientId ?? null,
  };
}
