/** Payloads of the records domain's events (listed with all others in src/domain-events.ts). */
import type { Actor } from "../identity/identity.events.ts";
import type { NhsNumber } from "../patients/nhs-number.ts";

/**
 * One search of NRL, as NRL's consumer obligations ask it recorded: the request (verb, what was
 * asked), NHS number (sealed in the audit trail), the ODS code sent, the user, the time, the
 * status and the response time.
 */
export interface NrlSearched extends Actor {
  readonly correlationId: string;
  readonly patientId: string;
  readonly nhsNumber: NhsNumber;
  readonly odsCode: string;
  readonly method: "POST" | "GET";
  /** `found`, `none_for_organisation`, or the error code (`nrl.unavailable`…). */
  readonly outcome: string;
  /** NRL's HTTP status when known (200, 403, 400…), else null. */
  readonly status: number | null;
  readonly pointers: number;
  readonly refused: number;
  readonly durationMs: number;
  /** Why NRL was asked: the page (cache not fresh) or the user's Refresh. */
  readonly reason: "page" | "refresh";
}

/** "New document available" was shown to a user about these pointers. */
export interface NrlNewDocumentShown extends Actor {
  readonly correlationId: string;
  readonly patientId: string;
  readonly nhsNumber: NhsNumber;
  /** Comma-separated pointer ids and their types (small scalars, no clinical content). */
  readonly pointerIds: string;
  readonly types: string;
  readonly scope: "user" | "organisation";
}

export interface NrlNewDocumentDismissed extends Actor {
  readonly correlationId: string;
  readonly patientId: string;
  readonly nhsNumber: NhsNumber | null;
  readonly dismissed: number;
}

export interface RecordsDomainEvents {
  "nrl.searched": NrlSearched;
  "nrl.new_document_shown": NrlNewDocumentShown;
  "nrl.new_document_dismissed": NrlNewDocumentDismissed;
}

export const RECORDS_DOMAIN_EVENT_NAMES: readonly (keyof RecordsDomainEvents)[] = [
  "nrl.searched",
  "nrl.new_document_shown",
  "nrl.new_document_dismissed",
];
