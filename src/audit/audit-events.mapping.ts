/**
 * Every domain event becomes an audit record through this one table: event name → outcome code
 * (from the controlled list), who, which patient, from where, and a few details. The table's type
 * has a row for every event in src/domain-events.ts, so an event cannot be added without saying
 * how it is audited (and a test walks DOMAIN_EVENT_NAMES to be sure at run time too).
 *
 * Details are small scalars. Free text in them (a user's reason) has anything shaped like an NHS
 * number masked: NHS numbers belong in the encrypted fields only.
 */
import type { DomainEventName, DomainEvents } from "../domain-events.ts";
import type { Actor } from "../identity/identity.events.ts";
import type {
  LaunchBlocked,
  LaunchBrowserOutcomeReported,
  LaunchEventBase,
  LaunchRedirected,
} from "../launch/launch.events.ts";
import type { ClientInfo } from "../platform/client-info.ts";
import { scrubNhsNumbers } from "../platform/logger.ts";
import type { AuditedAction } from "./audit.events.ts";
import { EVENTS_AUDIT_MAPPINGS } from "./audit-events-inbox.mapping.ts";
import { isOutcomeCode, type OutcomeCode } from "./audit-outcomes.ts";
import { type AuditEntry, AuditRecordError, type DetailValue } from "./audit-record.ts";
import { RECORDS_AUDIT_MAPPINGS } from "./audit-records.mapping.ts";

/** What a row of the table gives; `type` is the event name and unset fields are null. */
export type Mapped = Partial<Omit<AuditEntry, "type" | "outcome" | "correlationId" | "details">> & {
  readonly outcome: OutcomeCode;
  readonly correlationId: string;
  readonly details?: Readonly<Record<string, DetailValue>>;
};

/** One row per domain event. */
export type AuditMappings = { readonly [K in DomainEventName]: (payload: DomainEvents[K]) => Mapped };

function actor(a: Actor) {
  const { userId, userName, roleId, roleCode, orgCode, sessionId, workstationId } = a;
  return { userId, userName, roleId, roleCode, orgCode, sessionId, workstationId };
}

/** How an {@link AuditedAction} event's row is written. */
export interface AuditedActionRow<P extends AuditedAction> {
  /**
   * The outcome: a code, used when the payload carries none (e.g. `requested`, before the
   * checks); or a function, when the payload's own outcome needs translating (e.g. an event
   * processor's `stale` → `event.stale`).
   */
  readonly outcome?: OutcomeCode | ((payload: P) => string);
  /** The few scalar details worth keeping (ids, the step that failed, the target host…). */
  readonly details?: (payload: P) => Record<string, DetailValue>;
}

/**
 * The row for an event whose payload is an {@link AuditedAction} (launch events and any other
 * clinical action that carries its own outcome, source and duration). An outcome outside the
 * controlled list makes the append, and so the action, fail: add the code to the table first.
 */
/** What every launch record says besides its columns; the system that asked, for API launches. */
function launchDetails(
  e: LaunchEventBase,
  extra: Record<string, DetailValue> = {},
): Record<string, DetailValue> {
  return {
    launchRef: e.launchRef,
    patientId: e.patientId,
    ...extra,
    ...(e.apiClientId === null ? {} : { apiClientId: e.apiClientId }),
    ...clientDetails(e.client),
  };
}

/** Where a request came from, as support reads it: address, browser, the caller's correlation id. */
function clientDetails(client: ClientInfo): Record<string, DetailValue> {
  return {
    clientAddress: client.address,
    userAgent: client.userAgent,
    ...(client.callerCorrelationId === null ? {} : { callerCorrelationId: client.callerCorrelationId }),
  };
}

export function auditedAction<P extends AuditedAction>(row: AuditedActionRow<P> = {}) {
  return (payload: P): Mapped => {
    const outcome =
      typeof row.outcome === "function" ? row.outcome(payload) : (payload.outcome ?? row.outcome);
    if (!isOutcomeCode(outcome)) {
      throw new AuditRecordError(`outcome "${outcome}" is not in the controlled list`);
    }
    return {
      userId: payload.userId ?? null,
      userName: payload.userName ?? null,
      roleId: payload.roleId ?? null,
      roleCode: payload.roleCode ?? null,
      orgCode: payload.orgCode ?? null,
      sessionId: payload.sessionId ?? null,
      workstationId: payload.workstationId ?? payload.deviceId ?? null,
      nhsNumber: payload.nhsNumber ?? null,
      source: payload.source ?? null,
      encounterId: payload.encounterId ?? null,
      durationMs: payload.durationMs ?? null,
      outcome,
      correlationId: payload.correlationId,
      details: row.details?.(payload) ?? {},
    };
  };
}

const VERIFICATION_OUTCOMES = {
  mismatch: "verification.mismatch",
  superseded: "verification.superseded",
  invalidated: "verification.invalidated",
  not_found: "verification.not_found",
  pds_unavailable: "upstream.unavailable",
} as const satisfies Record<DomainEvents["patient.verification_failed"]["outcome"], OutcomeCode>;

const HANDOVER_OUTCOMES = {
  verified: "handover.verified",
  needs_confirmation: "handover.needs_confirmation",
  superseded: "verification.superseded",
  invalidated: "verification.invalidated",
  not_found: "verification.not_found",
  unavailable: "upstream.unavailable",
  refused: "handover.refused",
} as const satisfies Record<DomainEvents["patient_context.received"]["status"], OutcomeCode>;

const BACKCHANNEL_OUTCOMES = {
  ended: "success",
  unknown_session: "ignored.unknown_session",
  rejected: "rejected",
} as const satisfies Record<DomainEvents["backchannel_logout.received"]["outcome"], OutcomeCode>;

/** The table. */
export const AUDIT_MAPPINGS: AuditMappings = {
  "sign_in.started": (e) => ({
    outcome: "started",
    correlationId: e.correlationId,
    source: "sign-in",
    details: { purpose: e.purpose },
  }),
  "sign_in.failed": (e) => ({
    outcome: "failed",
    correlationId: e.correlationId,
    userId: e.userId,
    source: "sign-in",
    details: { code: e.code, step: e.step, ...clientDetails(e.client) },
  }),
  "session.started": (e) => ({
    ...actor(e),
    outcome: e.purpose === "change_role" ? "role_changed" : "signed_in",
    correlationId: e.correlationId,
    source: "sign-in",
    details: {
      authenticator: e.authenticator,
      acr: e.acr,
      deviceProfile: e.deviceProfile,
      ...clientDetails(e.client),
    },
  }),
  "session.ended": (e) => ({
    ...actor(e),
    outcome: `ended.${e.reason}`,
    correlationId: e.correlationId,
    durationMs: e.durationMs,
    source: "session",
  }),
  "backchannel_logout.received": (e) => ({
    outcome: BACKCHANNEL_OUTCOMES[e.outcome],
    correlationId: e.correlationId,
    source: "cis2-backchannel-logout",
    details: { code: e.code, sessionsEnded: e.sessionsEnded },
  }),
  "api_access.granted": (e) => ({
    ...actor(e.by),
    outcome: "granted",
    correlationId: e.correlationId,
    source: "api-access",
    details: { clientId: e.clientId },
  }),
  "context_launch.refused": (e) => ({
    ...(e.by ? actor(e.by) : {}),
    outcome: "context_launch.refused",
    correlationId: e.correlationId,
    source: "context-launch",
    details: { code: e.code, apiClientId: e.clientId, via: e.via, encrypted: e.encrypted },
  }),
  "smart_launch.refused": (e) => ({
    ...(e.by ? actor(e.by) : {}),
    outcome: "smart_launch.refused",
    correlationId: e.correlationId,
    source: "smart-launch",
    details: { code: e.code, ehrId: e.ehrId, step: e.step, ehrError: e.ehrError },
  }),
  "workstation.registered": (e) => ({
    ...actor(e.by),
    outcome: "registered",
    correlationId: e.correlationId,
    source: "workstations",
    details: { subjectWorkstationId: e.workstationId, name: e.name, profile: e.profile },
  }),
  "workstation.revoked": (e) => ({
    ...actor(e.by),
    outcome: "revoked",
    correlationId: e.correlationId,
    source: "workstations",
    details: { subjectWorkstationId: e.workstationId },
  }),
  "patient.selected": (e) => ({
    ...actor(e),
    outcome: "selected",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: "find-a-patient",
    details: { patientId: e.patientId, contextId: e.contextId },
  }),
  "patient.verified": (e) => ({
    ...actor(e),
    outcome: "verified",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: "patient-check",
    details: {
      patientId: e.patientId,
      pdsVersion: e.pdsVersion,
      updatedLocalDetails: e.updatedLocalDetails,
      // Field names only (details are flat scalars): "name,birthDate" when confirmed despite them.
      identityDifferences: e.identityDifferences.join(","),
      basis: e.basis,
    },
  }),
  "patient_context.received": (e) => ({
    ...actor(e),
    outcome: HANDOVER_OUTCOMES[e.status],
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: `handover-${e.source}`,
    details: {
      handoverSource: e.source,
      apiClientId: e.clientId,
      encounter: e.encounter,
      patientId: e.patientId,
      contextId: e.contextId,
      code: e.problem,
      createdPatient: e.createdPatient,
      // Field names only, never values.
      localDifferences: e.localDifferences.join(","),
      identityDifferences: e.identityDifferences.join(","),
    },
  }),
  "patient.verification_failed": (e) => ({
    ...actor(e),
    outcome: VERIFICATION_OUTCOMES[e.outcome],
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: "patient-check",
    details: { patientId: e.patientId, reason: e.reason === null ? null : scrubNhsNumbers(e.reason) },
  }),
  "patient.rekeyed": (e) => ({
    ...actor(e),
    outcome: "rekeyed",
    correlationId: e.correlationId,
    nhsNumber: e.to,
    previousNhsNumber: e.from,
    source: "patient-check",
    details: { patientId: e.patientId },
  }),
  "patient.national_change_applied": (e) => ({
    outcome: `event.${e.outcome}`,
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: "change-events",
    details: { patientId: e.patientId, notable: e.notable.join(" "), pdsVersion: e.pdsVersion },
  }),
  "launch.redirected": auditedAction<LaunchRedirected>({
    details: (e) => launchDetails(e, { checks: e.checks.join(","), ncrsOrigin: e.ncrsOrigin }),
  }),
  "launch.blocked": auditedAction<LaunchBlocked>({
    details: (e) => launchDetails(e, { step: e.step }),
  }),
  "launch.browser_outcome": auditedAction<LaunchBrowserOutcomeReported>({
    details: (e) => launchDetails(e),
  }),
  ...EVENTS_AUDIT_MAPPINGS,
  ...RECORDS_AUDIT_MAPPINGS,
  "audit.searched": (e) => ({
    ...actor(e),
    outcome: "success",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: "audit-support",
    details: { view: e.view, filters: e.filters, results: e.results },
  }),
  "audit.exported": (e) => ({
    ...actor(e),
    outcome: "success",
    correlationId: e.correlationId,
    source: "audit-export",
    details: { from: e.from, to: e.to, filters: e.filters },
  }),
  "audit.pruned": (e) => ({
    outcome: "success",
    correlationId: e.correlationId,
    source: "audit-retention",
    details: {
      upToSequence: e.upToSequence,
      records: e.records,
      archive: e.archive,
      archiveSha256: e.archiveSha256,
    },
  }),
  "refusals.tallied": (e) => ({
    outcome: isOutcomeCode(e.outcome) ? e.outcome : "rejected",
    correlationId: e.correlationId,
    source: e.channel,
    details: {
      code: e.code,
      count: e.count,
      firstAt: e.firstAt.toISOString(),
      lastAt: e.lastAt.toISOString(),
      samples: e.samples.join(" "),
    },
  }),
};

/** The audit entry for one domain event. */
export function auditEntryOf<K extends DomainEventName>(name: K, payload: DomainEvents[K]): AuditEntry {
  const row = AUDIT_MAPPINGS[name] as (payload: DomainEvents[K]) => Mapped;
  const mapped = row(payload);
  return {
    type: name,
    outcome: mapped.outcome,
    userId: mapped.userId ?? null,
    userName: mapped.userName ?? null,
    roleId: mapped.roleId ?? null,
    roleCode: mapped.roleCode ?? null,
    orgCode: mapped.orgCode ?? null,
    sessionId: mapped.sessionId ?? null,
    workstationId: mapped.workstationId ?? null,
    nhsNumber: mapped.nhsNumber ?? null,
    previousNhsNumber: mapped.previousNhsNumber ?? null,
    source: mapped.source ?? null,
    encounterId: mapped.encounterId ?? null,
    correlationId: mapped.correlationId,
    // Durations are whole milliseconds: a fraction would give the same record two spellings.
    durationMs: mapped.durationMs == null ? null : Math.max(0, Math.round(mapped.durationMs)),
    details: mapped.details ?? {},
    dedupeKey: mapped.dedupeKey ?? null,
  };
}
