/**
 * What an MNS signal says, independent of how it is written down: which event happened, to which
 * patient, at which PDS record version, and where to read the record. MNS delivers the same
 * signal either as a CloudEvent or as a FHIR R4 subscription-notification Bundle
 * (`cloudevent.ts`, `fhir-signal.ts`).
 */

/** The PDS event types MNS publishes that the product subscribes to. */
export const EVENT_TYPES = [
  "pds-record-change-2",
  "pds-death-notification-2",
  "pds-change-of-gp-2",
  "nhs-number-change-2",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The two payload formats a subscription can choose (`channel.payload`). */
export const FORMATS = ["cloudevent", "fhir"] as const;

export type EventFormat = (typeof FORMATS)[number];

/** The producer named by every PDS example signal (Spine's ASID, written as a URI). */
export const PDS_SOURCE = "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324";

export interface Signal {
  /** Event id (a UUID); retries and duplicates of the same event keep it. */
  id: string;
  type: EventType;
  /** The NHS number the event is about (for a number change, the number that changed). */
  nhsNumber: string;
  /** PDS `meta.versionId` after the change, digits only (e.g. `"5"`); absent when PDS has no record. */
  versionId?: string;
  /** When the change happened, RFC 3339 UTC. */
  time: string;
  /** PDS Patient URL the subscriber must re-read. */
  dataref: string;
}

/** The PDS Patient URL for an NHS number under the given FHIR base URL. */
export function patientUrl(pdsBaseUrl: string, nhsNumber: string): string {
  return `${pdsBaseUrl.replace(/\/+$/, "")}/Patient/${nhsNumber}`;
}
