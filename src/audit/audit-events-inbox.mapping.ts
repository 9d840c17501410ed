/**
 * The audit table's rows for the change-event inbox's events (issue 6), kept beside the main
 * table (audit-events.mapping.ts) which spreads them in. Receipts, processings and dead letters are
 * reported at least once, so their rows carry the reporter's `dedupeKey`: the trail records each
 * such fact once however often a crash made it be reported.
 */
import type { EventsDomainEvents } from "../events/events.events.ts";
import { scrubNhsNumbers } from "../platform/logger.ts";
import type { Mapped } from "./audit-events.mapping.ts";

type InboxMappings = { readonly [K in keyof EventsDomainEvents]: (payload: EventsDomainEvents[K]) => Mapped };

const SOURCE = "change-events";

export const EVENTS_AUDIT_MAPPINGS: InboxMappings = {
  "event.received": (e) => ({
    outcome: "event.received",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: SOURCE,
    dedupeKey: e.dedupeKey,
    details: {
      inboxId: e.inboxId,
      externalId: e.externalId,
      eventSource: e.source,
      eventType: e.eventType,
      format: e.format,
      channel: e.channel,
      pdsVersion: e.pdsVersion,
    },
  }),
  "event.duplicate_received": (e) => ({
    outcome: "event.duplicate",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: SOURCE,
    details: { externalId: e.externalId, eventSource: e.source, eventType: e.eventType, channel: e.channel },
  }),
  "event.rejected": (e) => ({
    outcome: "event.rejected",
    correlationId: e.correlationId,
    source: SOURCE,
    details: { channel: e.channel, code: e.code },
  }),
  "event.processed": (e) => ({
    outcome: `event.${e.outcome}`,
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: SOURCE,
    dedupeKey: e.dedupeKey,
    details: {
      inboxId: e.inboxId,
      externalId: e.externalId,
      eventType: e.eventType,
      patientId: e.patientId,
      notable: e.notable.join(" "),
      pdsVersion: e.pdsVersion,
      attempts: e.attempts,
      generation: e.generation,
    },
  }),
  "event.retry_scheduled": (e) => ({
    outcome: "event.retry_scheduled",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: SOURCE,
    details: {
      inboxId: e.inboxId,
      eventType: e.eventType,
      attempts: e.attempts,
      code: e.code,
      retryAt: e.retryAt.toISOString(),
    },
  }),
  "event.dead_lettered": (e) => ({
    outcome: "event.dead_lettered",
    correlationId: e.correlationId,
    nhsNumber: e.nhsNumber,
    source: SOURCE,
    dedupeKey: e.dedupeKey,
    details: {
      inboxId: e.inboxId,
      externalId: e.externalId,
      eventType: e.eventType,
      attempts: e.attempts,
      reason: scrubNhsNumbers(e.reason),
    },
  }),
  "event.replayed": (e) => ({
    ...("cli" in e.by
      ? { userName: `cli:${e.by.cli}` }
      : {
          userId: e.by.userId,
          userName: e.by.userName,
          roleId: e.by.roleId,
          roleCode: e.by.roleCode,
          orgCode: e.by.orgCode,
          sessionId: e.by.sessionId,
          workstationId: e.by.workstationId,
        }),
    outcome: "event.replayed",
    correlationId: e.correlationId,
    source: SOURCE,
    details: { scope: e.scope, count: e.count, inboxId: e.inboxId, from: e.from, to: e.to },
  }),
};
