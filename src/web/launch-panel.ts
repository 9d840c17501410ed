/**
 * What the patient banner's "Open in NCRS" shows: the button with a fresh launch id when the
 * patient's NHS number is verified, or a disabled button with the reason and what to do; the
 * helper line and the "Having trouble opening NCRS?" checklist for this organisation, device and
 * authenticator.
 */
import type { FastifyRequest } from "fastify";
import type { Session } from "../identity/identity.types.ts";
import type { LaunchService } from "../launch/launch.service.ts";
import { effectiveVerification, type Patient } from "../patients/patient.types.ts";
import type { PatientContext } from "../patients/patients.ports.ts";
import type { Clock } from "../platform/clock.ts";
import { helpProfileFor, type LaunchHelp, type LaunchHelpContent } from "./launch-help.ts";

export interface LaunchPanelDeps {
  readonly launches: LaunchService;
  readonly help: LaunchHelpContent;
  readonly clock: Clock;
  readonly staleAfterSeconds: number;
  /** The named window repeated launches reuse. */
  readonly windowName: string;
  /** How long the button stays "Launching NCRS…" after a click. */
  readonly busySeconds: number;
  /** How long the page waits for NCRS to answer in its tab before it says NCRS is slow. */
  readonly ncrsWaitSeconds: number;
  /** Whether launches reuse the one named NCRS tab (or each opens its own, cut off from ours). */
  readonly reuseTab: boolean;
}

export interface LaunchPanel {
  readonly ready: boolean;
  readonly launchId: string | null;
  readonly ref: string | null;
  readonly reason: string | null;
  readonly windowName: string;
  readonly busySeconds: number;
  readonly ncrsWaitSeconds: number;
  readonly reuseTab: boolean;
  readonly help: LaunchHelp;
}

/** Why the button is disabled, in words that say what to do. */
function unavailableReason(patient: Patient, now: Date, staleAfterSeconds: number): string | null {
  if (patient.nhsNumber.kind !== "valid")
    return "This patient has no valid NHS number, so NCRS cannot be opened.";
  switch (effectiveVerification(patient.verification, now, staleAfterSeconds).status) {
    case "verified":
      return null;
    case "superseded":
      return "The NHS number has been replaced at PDS. Check the details with PDS to use the new number.";
    case "invalidated":
    case "not_found":
      return "PDS does not recognise this NHS number, so NCRS cannot be opened.";
    default:
      return "Verify the NHS number with PDS before opening NCRS.";
  }
}

export async function launchPanel(
  deps: LaunchPanelDeps,
  request: FastifyRequest,
  session: Session,
  context: PatientContext,
  patient: Patient,
): Promise<LaunchPanel> {
  const reason = unavailableReason(patient, deps.clock.now(), deps.staleAfterSeconds);
  const issued = reason === null ? await deps.launches.issueForPage(session, context, patient) : null;
  const profile = helpProfileFor(
    session.deviceProfile,
    session.workstationId !== null,
    request.headers["user-agent"],
  );
  return {
    ready: issued !== null,
    launchId: issued?.launchId ?? null,
    ref: issued?.ref ?? null,
    reason,
    windowName: deps.windowName,
    busySeconds: deps.busySeconds,
    ncrsWaitSeconds: deps.ncrsWaitSeconds,
    reuseTab: deps.reuseTab,
    help: deps.help.for(session.role?.orgCode ?? null, profile, session.authenticator),
  };
}
