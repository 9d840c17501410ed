/**
 * Every domain event, in one table: `noun.past_verb` → payload. Metrics and the audit trail
 * subscribe; every event becomes an audit record through src/audit/audit-events.mapping.ts, whose
 * type demands a row for each name here. Add a row here (and there) before emitting anything new.
 */
import type { ApiAccessGranted } from "./api-access/api-access.events.ts";
import type { ContextLaunchRefused } from "./api-access/context-launch.events.ts";
import type { SmartLaunchRefused } from "./api-access/smart-launch.events.ts";
import type { AuditExported, AuditPruned, AuditSearched } from "./audit/audit.events.ts";
import { EVENTS_DOMAIN_EVENT_NAMES, type EventsDomainEvents } from "./events/events.events.ts";
import type {
  BackchannelLogoutReceived,
  SessionEnded,
  SessionStarted,
  SignInFailed,
  SignInStarted,
  WorkstationRegistered,
  WorkstationRevoked,
} from "./identity/identity.events.ts";
import type {
  LaunchBlocked,
  LaunchBrowserOutcomeReported,
  LaunchRedirected,
} from "./launch/launch.events.ts";
import type {
  PatientContextReceived,
  PatientNationalChangeApplied,
  PatientRekeyed,
  PatientSelected,
  PatientVerificationFailed,
  PatientVerified,
} from "./patients/patients.events.ts";
import { DomainEventBus } from "./platform/domain-event-bus.ts";
import type { TalliedRefusals } from "./platform/refusal-tally.ts";
import { RECORDS_DOMAIN_EVENT_NAMES, type RecordsDomainEvents } from "./records/records.events.ts";

/** One period's count of refusals nobody can be named for (see src/platform/refusal-tally.ts). */
export interface RefusalsTallied extends TalliedRefusals {
  readonly correlationId: string;
}

export interface DomainEvents extends EventsDomainEvents, RecordsDomainEvents {
  "sign_in.started": SignInStarted;
  "sign_in.failed": SignInFailed;
  "session.started": SessionStarted;
  "session.ended": SessionEnded;
  "backchannel_logout.received": BackchannelLogoutReceived;
  "workstation.registered": WorkstationRegistered;
  "workstation.revoked": WorkstationRevoked;
  "patient.selected": PatientSelected;
  "patient.verified": PatientVerified;
  "patient.verification_failed": PatientVerificationFailed;
  "patient.rekeyed": PatientRekeyed;
  "patient.national_change_applied": PatientNationalChangeApplied;
  "patient_context.received": PatientContextReceived;
  "launch.redirected": LaunchRedirected;
  "launch.blocked": LaunchBlocked;
  "launch.browser_outcome": LaunchBrowserOutcomeReported;
  "api_access.granted": ApiAccessGranted;
  "context_launch.refused": ContextLaunchRefused;
  "smart_launch.refused": SmartLaunchRefused;
  "audit.searched": AuditSearched;
  "audit.exported": AuditExported;
  "audit.pruned": AuditPruned;
  "refusals.tallied": RefusalsTallied;
}

export type DomainEventName = keyof DomainEvents;

export const DOMAIN_EVENT_NAMES: readonly DomainEventName[] = [
  "sign_in.started",
  "sign_in.failed",
  "session.started",
  "session.ended",
  "backchannel_logout.received",
  "workstation.registered",
  "workstation.revoked",
  "patient.selected",
  "patient.verified",
  "patient.verification_failed",
  "patient.rekeyed",
  "patient.national_change_applied",
  "patient_context.received",
  "launch.redirected",
  "launch.blocked",
  "launch.browser_outcome",
  "api_access.granted",
  "context_launch.refused",
  "smart_launch.refused",
  "audit.searched",
  "audit.exported",
  "audit.pruned",
  "refusals.tallied",
  ...EVENTS_DOMAIN_EVENT_NAMES,
  ...RECORDS_DOMAIN_EVENT_NAMES,
];

export type Events = DomainEventBus<DomainEvents>;

export function createEventBus(): Events {
  return new DomainEventBus<DomainEvents>();
}
