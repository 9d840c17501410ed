/**
 * How one processing of a patient's waiting events is recorded against each event (pure). One PDS
 * read stands for the whole group; the event announcing the newest version (the lead) carries the
 * outcome and the notable changes, so a clinician is told once. Events that announced an older
 * version than the one applied are recorded as stale: the newer state already includes them.
 */
import type { NotableChange } from "../patients/national-change.ts";
import type { EventOutcome, InboxEvent } from "./event.types.ts";
import type { Completion } from "./events.ports.ts";

export interface GroupResult {
  readonly outcome: EventOutcome;
  readonly notable: readonly NotableChange[];
  /** The PDS version applied, when a record was applied. */
  readonly appliedVersion: number | null;
  readonly patientId: string | null;
  /** Whether the events' versions are versions of the record read (not for NHS number changes). */
  readonly comparable: boolean;
}

/** The event that stands for the group: newest announced version, then latest arrival. */
export function leadOf<E extends Pick<InboxEvent, "id" | "pdsVersion" | "receivedAt">>(
  events: readonly E[],
): E {
  return events.reduce((lead, e) => {
    const a = lead.pdsVersion ?? -1;
    const b = e.pdsVersion ?? -1;
    if (b !== a) return b > a ? e : lead;
    return e.receivedAt.getTime() >= lead.receivedAt.getTime() ? e : lead;
  });
}

/** One completion per event. */
export function completionsFor(
  events: readonly Pick<InboxEvent, "id" | "pdsVersion" | "receivedAt">[],
  result: GroupResult,
): Completion[] {
  const status = result.outcome === "not_in_index" ? "skipped" : "processed";
  const lead = leadOf(events);
  return events.map((e) => {
    const older =
      result.comparable &&
      e.pdsVersion !== null &&
      result.appliedVersion !== null &&
      e.pdsVersion < result.appliedVersion;
    const outcome: EventOutcome = e !== lead && older ? "stale" : result.outcome;
    return {
      id: e.id,
      status,
      outcome,
      notable: e === lead ? result.notable : [],
      patientId: result.patientId,
    };
  });
}
