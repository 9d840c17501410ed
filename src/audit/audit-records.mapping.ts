/**
 * The audit table's rows for records held elsewhere (NRL), kept beside the main table
 * (audit-events.mapping.ts) which spreads them in. A search's record holds what NRL's consumer
 * obligations list: the request (verb, why), NHS number (sealed), the ODS code sent, the user,
 * the time (the record's), NRL's status and the response time.
 */
import type { RecordsDomainEvents } from "../records/records.events.ts";
import type { Mapped } from "./audit-events.mapping.ts";

type RecordsMappings = {
  readonly [K in keyof RecordsDomainEvents]: (payload: RecordsDomainEvents[K]) => Mapped;
};

const SOURCE = "records-elsewhere";

function who(e: RecordsDomainEvents[keyof RecordsDomainEvents]) {
  const { userId, userName, roleId, roleCode, orgCode, sessionId, workstationId } = e;
  return { userId, userName, roleId, roleCode, orgCode, sessionId, workstationId };
}

const SEARCH_OUTCOMES: Readonly<Record<string, Mapped["outcome"]>> = {
  found: "nrl.searched",
  none_for_organisation: "nrl.none_for_organisation",
};

export const RECORDS_AUDIT_MAPPINGS: RecordsMappings = {
  "nrl.searched": (e) => ({
    ...who(e),
    outcome: SEARCH_OUTCOMES[e.outcome] ?? "nrl.search_failed",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: SOURCE,
    durationMs: e.durationMs,
    details: {
      patientId: e.patientId,
      request: `${e.method} DocumentReference${e.method === "POST" ? "/_search" : ""}`,
      odsCode: e.odsCode,
      status: e.status,
      pointers: e.pointers,
      refused: e.refused,
      reason: e.reason,
      ...(SEARCH_OUTCOMES[e.outcome] ? {} : { errorCode: e.outcome }),
    },
  }),
  "nrl.new_document_shown": (e) => ({
    ...who(e),
    outcome: "nrl.new_document_shown",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: SOURCE,
    details: { patientId: e.patientId, pointerIds: e.pointerIds, types: e.types, seenBy: e.scope },
  }),
  "nrl.new_document_dismissed": (e) => ({
    ...who(e),
    outcome: "nrl.new_document_dismissed",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: SOURCE,
    details: { patientId: e.patientId, dismissed: e.dismissed },
  }),
};
