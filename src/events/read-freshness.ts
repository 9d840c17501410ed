/**
 * Is a PDS read new enough for the events that prompted it (pure)? The PDS adapter may answer
 * from its short cache or join a read already in flight; either can predate the change an event
 * announces. A read is fresh enough when it is at least at the newest version the events
 * announce, or, for events without a version, when PDS answered after the last of them arrived
 * (MNS announces a change after PDS has made it). Otherwise the caller reads again, bypassing the
 * cache; if PDS still answers with an older version, it has not caught up and the events wait.
 */
import type { DemographicsReadResult } from "../patients/national-patient.ts";
import type { InboxEvent } from "./event.types.ts";

/** The newest version the events announce; null if any of them announces none. */
export function announcedVersion(events: readonly Pick<InboxEvent, "pdsVersion">[]): number | null {
  let newest = -1;
  for (const e of events) {
    if (e.pdsVersion === null) return null;
    newest = Math.max(newest, e.pdsVersion);
  }
  return newest < 0 ? null : newest;
}

function readVersion(result: DemographicsReadResult): number | null {
  if (result.kind !== "found") return null;
  const n = Number(result.patient.versionId);
  return Number.isInteger(n) ? n : null;
}

/**
 * Whether `result` can stand for these events. `comparable` is false when the events' versions are
 * not versions of the record read (an NHS number change announces the old record's version).
 */
export function isFreshEnough(
  result: DemographicsReadResult,
  events: readonly Pick<InboxEvent, "pdsVersion" | "receivedAt">[],
  comparable: boolean,
): boolean {
  const announced = comparable ? announcedVersion(events) : null;
  const version = readVersion(result);
  if (announced !== null && version !== null) return version >= announced;
  const lastArrival = Math.max(...events.map((e) => e.receivedAt.getTime()));
  return result.retrievedAt.getTime() > lastArrival;
}

/** After a fresh read: PDS answered with an older version than an event announced. */
export function isBehind(
  result: DemographicsReadResult,
  events: readonly Pick<InboxEvent, "pdsVersion">[],
  comparable: boolean,
): boolean {
  const announced = comparable ? announcedVersion(events) : null;
  const version = readVersion(result);
  return announced !== null && version !== null && version < announced;
}
