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
 * The shape an audited clinical action's event carries, so its mapping is one line
 * (`auditedAction` in audit-events.mapping.ts). Launch events (issue 5) are meant to extend it.
 */
export interface AuditedAction extends Partial<Actor> {
  readonly correlationId: string;
  readonly outcome: string;
  readonly nhsNumber?: string | null;
  readonly source?: string | null;
  readonly encounterId?: string | null;
  readonly durationMs?: number | null;
  readonly deviceId?: string | null;
}
