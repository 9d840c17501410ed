/**
 * How inbox events read on the admin page (view models only; no rules): status and type names,
 * NHS numbers in 3 3 4, times in UK time, and the page cursor.
 */
import type { EventStatus, InboxEvent } from "../events/event.types.ts";
import { formatNhsNumber, parseNhsNumber } from "../patients/nhs-number.ts";
import { formatDateTime } from "./view-engine.ts";

export const STATUS_NAMES: Readonly<Record<EventStatus, string>> = {
  pending: "Waiting",
  claimed: "Being processed",
  processed: "Processed",
  skipped: "Not in local index",
  dead: "Dead letter",
};

const STATUS_TAGS: Readonly<Record<EventStatus, string>> = {
  pending: "nhsuk-tag--blue",
  claimed: "nhsuk-tag--aqua-green",
  processed: "nhsuk-tag--green",
  skipped: "nhsuk-tag--grey",
  dead: "nhsuk-tag--red",
};

export const TYPE_NAMES: Readonly<Record<string, string>> = {
  "pds-record-change-2": "Record change",
  "pds-death-notification-2": "Death",
  "pds-change-of-gp-2": "Change of GP",
  "nhs-number-change-2": "NHS number change",
};

export const OUTCOME_NAMES: Readonly<Record<string, string>> = {
  applied: "Applied",
  rekeyed: "Moved to the surviving NHS number",
  rekey_conflict: "Surviving NHS number already held by another patient",
  invalidated: "NHS number withdrawn: launches blocked",
  not_found: "PDS has no record",
  stale: "Nothing newer than held",
  not_in_index: "Patient not held here",
};

function displayNhsNumber(text: string): string {
  const parsed = parseNhsNumber(text);
  return parsed.ok ? formatNhsNumber(parsed.value) : text;
}

/** One table row of the list. */
export function eventRow(event: InboxEvent, nhsNumber: string) {
  return {
    id: event.id,
    received: formatDateTime(event.receivedAt),
    type: TYPE_NAMES[event.type] ?? event.type,
    nhsNumber: displayNhsNumber(nhsNumber),
    status: STATUS_NAMES[event.status],
    statusTag: STATUS_TAGS[event.status],
    result: event.outcome ? (OUTCOME_NAMES[event.outcome] ?? event.outcome) : (event.lastError ?? ""),
    attempts: event.attempts,
  };
}

/** The summary-list rows of one event. */
export function eventFacts(event: InboxEvent, nhsNumber: string, contentType: string) {
  const rows: [string, string][] = [
    ["Type", `${TYPE_NAMES[event.type] ?? event.type} (${event.type})`],
    ["NHS number", displayNhsNumber(nhsNumber)],
    ["Status", STATUS_NAMES[event.status]],
    ["Outcome", event.outcome ? (OUTCOME_NAMES[event.outcome] ?? event.outcome) : "Not processed yet"],
    ["Changes notified", event.notable.length > 0 ? event.notable.join(", ").replaceAll("_", " ") : "None"],
    ["Attempts", String(event.attempts)],
    ["Last error", event.lastError ?? "None"],
    ["PDS version announced", event.pdsVersion === null ? "None" : String(event.pdsVersion)],
    ["Received", formatDateTime(event.receivedAt)],
    ["Occurred", event.occurredAt ? formatDateTime(event.occurredAt) : "Not stated"],
    ["Processed", event.processedAt ? formatDateTime(event.processedAt) : "Not yet"],
    ["Replays", String(event.generation)],
    ["Source", event.source],
    ["Event id", event.externalId],
    ["Delivered as", `${contentType} over ${event.channel}`],
    ["Reference", event.correlationId],
  ];
  return rows.map(([key, value]) => ({ key: { text: key }, value: { text: value } }));
}

/** `<received ms>.<id>` of the last row: the next page starts after it. */
export function cursorOf(event: InboxEvent): string {
  return `${event.receivedAt.getTime()}.${event.id}`;
}

export function parseCursor(text: string | undefined): { receivedAt: Date; id: string } | undefined {
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(text ?? "");
  return match ? { receivedAt: new Date(Number(match[1])), id: match[2] as string } : undefined;
}

/**
 * A `datetime-local` value (`2026-05-01T09:30`) read as UK time, which is what the person typing
 * it means. Returns undefined for anything else.
 */
export function parseUkDateTime(text: string | undefined): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text ?? "");
  if (!match) return undefined;
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // London is UTC or UTC+1: find the offset in force at that wall-clock time.
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    hour: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(asUtc));
  const londonHour = Number(parts.find((p) => p.type === "hour")?.value);
  const offsetHours = (londonHour - new Date(asUtc).getUTCHours() + 24) % 24;
  const result = new Date(asUtc - offsetHours * 3600_000);
  return Number.isNaN(result.getTime()) ? undefined : result;
}
