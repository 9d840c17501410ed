/**
 * The checks a launch must pass, in order, as named steps, so the list reads as the policy and a
 * refusal names the rule that failed: the launch id is live, the session is the one it was issued
 * to, the role may launch, the tab's patient context is still current and still this patient, the
 * NHS number is the verified one, this is not a duplicate of a launch a moment ago, and the deep
 * link can be built. Only reads happen here; what is recorded is the service's business.
 */
import type { Session } from "../identity/identity.types.ts";
import { permissionsOf } from "../identity/roles.ts";
import { effectiveVerification, type Patient } from "../patients/patient.types.ts";
import type { PatientContextService } from "../patients/patient-context.service.ts";
import { patientErrors } from "../patients/patients.errors.ts";
import type { ClientInfo } from "../platform/client-info.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import type { Step } from "../platform/steps.ts";
import { type LaunchBlockReason, launchErrors } from "./launch.errors.ts";
import type { LaunchIntentRepository } from "./launch.ports.ts";
import type { LaunchIntent, LaunchSettings } from "./launch.types.ts";
import { fillLaunchTemplate, type LaunchTemplate } from "./launch-template.ts";

export interface LaunchRequest {
  readonly launchId: string;
  readonly session: Session | null;
  readonly correlationId: string;
  readonly client: ClientInfo;
}

/** One launch going through the checks: what was presented, and what the checks found. */
export interface Attempt extends LaunchRequest {
  readonly intent: LaunchIntent;
  patient?: Patient;
  url?: string;
}

export interface LaunchCheckDeps {
  readonly contexts: PatientContextService;
  readonly intents: Pick<LaunchIntentRepository, "lastLaunched">;
  readonly clock: Clock;
  readonly settings: LaunchSettings;
}

export function launchChecks(deps: LaunchCheckDeps): readonly Step<Attempt>[] {
  return [
    {
      name: "launch_id",
      run: (a) => {
        if (a.intent.expiresAt <= deps.clock.now()) fail("unknown_launch");
      },
    },
    {
      name: "session_live",
      run: (a) => {
        if (!a.session || a.session.id !== a.intent.actor.sessionId) {
          // The patient's id lets the refusal page bring the user back to this patient after signing in.
          throw new AppError(launchErrors.no_session, { details: { patientId: a.intent.patientId } });
        }
      },
    },
    {
      name: "role_allowed",
      run: (a) => {
        if (!permissionsOf(a.session?.role ?? null, deps.settings.roles).clinical) fail("role");
      },
    },
    {
      name: "patient_context_current",
      run: async (a) => {
        const resolved = await deps.contexts
          .resolve(a.session as Session, a.intent.contextId)
          .catch((error: unknown) => {
            if (error instanceof AppError && error.definition === patientErrors.context_unknown) return null;
            throw error;
          });
        if (resolved?.kind !== "current" || resolved.patient.id !== a.intent.patientId) fail("stale_context");
        a.patient = resolved.patient;
      },
    },
    {
      name: "nhs_number_verified",
      run: (a) => {
        const patient = a.patient as Patient;
        if (patient.nhsNumber.kind !== "valid" || patient.nhsNumber.value !== a.intent.nhsNumber)
          fail("invalid_nhs_number");
        const state = effectiveVerification(
          patient.verification,
          deps.clock.now(),
          deps.settings.verificationStaleSeconds,
        ).status;
        if (state === "superseded" || state === "invalidated" || state === "not_found")
          fail("invalid_nhs_number");
        if (state !== "verified") fail("unverified");
      },
    },
    {
      name: "not_duplicate",
      run: async (a) => {
        const since = new Date(deps.clock.now().getTime() - deps.settings.duplicateWindowSeconds * 1000);
        const last = await deps.intents.lastLaunched(a.intent.actor.sessionId, a.intent.patientId, since);
        if (last && last.ref !== a.intent.ref) fail("duplicate");
      },
    },
    {
      name: "deep_link",
      run: (a) => {
        a.url = deepLinkFor(deps.settings.template, a.intent);
      },
    },
  ];
}

/** The NCRS deep link for a launch, filled only from the launch's own verified facts. */
export function deepLinkFor(template: LaunchTemplate, intent: LaunchIntent): string {
  const filled = fillLaunchTemplate(template, {
    nhsNumber: intent.nhsNumber,
    ...(intent.actor.orgCode ? { odsCode: intent.actor.orgCode } : {}),
    ...(intent.actor.roleId ? { roleId: intent.actor.roleId } : {}),
    userId: intent.actor.userId,
  });
  if (!filled.ok) throw new AppError(launchErrors.misconfigured, { details: { missing: filled.missing } });
  return filled.url;
}

function fail(reason: LaunchBlockReason): never {
  throw new AppError(launchErrors[reason]);
}

/** The block reason of a launch error (anything unexpected counts as misconfigured). */
export function reasonOf(error: AppError): LaunchBlockReason {
  const key = error.code.slice("launch.".length);
  return (key in launchErrors ? key : "misconfigured") as LaunchBlockReason;
}
