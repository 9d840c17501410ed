/** Payloads of the audit trail's own events: support staff reading or exporting it, and pruning. */
import type { Actor } from "../identity/identity.events.ts";

/** Which support view read the trail. */
export type AuditView = "search" | "patient_report" | "timeline" | "record";

/** Someone read audit records (reading who accessed a patient is itself an access to audit). */
export interface AuditSearched extends Actor {
  readonly correlationId: string;
  readonly view: AuditView;
  /** The NHS number searched for, if any (encrypted in the record like any other). */
  readonly nhsNumber: string | null;
  /** The other filters, as `name=value` pairs joined by `&` (no NHS number). */
  readonly filters: string;
  readonly results: number;
}

/** Someone exported audit records as FHIR AuditEvents. */
export interface AuditExported extends Actor {
  readonly correlationId: string;
  readonly from: string;
  readonly to: string;
  readonly filters: string;
}

/** Records older than the retention period were archived and then pruned. */
export interface AuditPruned {
  readonly correlationId: string;
  readonly upToSequence: number;
  readonly records: number;
  readonly archive: string;
  readonly archiveSha256: string;
}

/**
 * The shape an audited clinical action's event carries, so that its mapping row is one line
 * (`auditedAction` in audit-events.mapping.ts). Launch events (issue 5) and event-processing events
 * fit it as they are: every field but the correlation id may be absent or null, because a refused
 * action may know little (no session, no patient). `outcome` is a code from the controlled list;
 * an event that carries none (a request whose outcome follows) gets one from its mapping row.
 */
export interface AuditedAction {
  readonly correlationId: string;
  readonly outcome?: string;
  readonly userId?: string | null;
  readonly userName?: string | null;
  readonly roleId?: string | null;
  readonly roleCode?: string | null;
  readonly orgCode?: string | null;
  readonly sessionId?: string | null;
  readonly workstationId?: string | null;
  /** A device id, recorded as the workstation when no registered workstation is known. */
  readonly deviceId?: string | null;
  readonly nhsNumber?: string | null;
  /** The screen or feature the action came from. */
  readonly source?: string | null;
  readonly encounterId?: string | null;
  readonly durationMs?: number | null;
}
