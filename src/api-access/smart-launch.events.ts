/** Payloads of the SMART EHR launch's events (listed with all others in src/domain-events.ts). */
import type { Actor } from "../identity/identity.events.ts";

/**
 * A SMART EHR launch was refused. The patient is never named: a refused launch's patient is not to
 * be trusted (or was never read).
 */
export interface SmartLaunchRefused {
  readonly correlationId: string;
  /** The signed-in user, when there was one. */
  readonly by: Actor | null;
  /** Our id of the EHR (SMART_EHRS), once its `iss` was recognised; null before. */
  readonly ehrId: string | null;
  /** Our error code (`smart_launch.*`, or `handover.*` for a patient we cannot take). */
  readonly code: string;
  /** Where it was refused: the EHR's launch, its authorization answer, or after signing in. */
  readonly step: "launch" | "callback" | "continue";
  /** The EHR's own error (`access_denied`, `invalid_grant`, …), when it gave one. */
  readonly ehrError: string | null;
}
