/**
 * The CloudEvents 1.0 form of a signal, as MNS publishes it (`mns-publish-cloudevent.yaml` and
 * the `*2Signal.json` examples): the context attributes in the examples' order, plus the
 * schema's `versionid` extension so the subscriber can tell a newer change from an older one.
 */
import { PDS_SOURCE, type Signal } from "./signal.ts";

export const CLOUDEVENT_CONTENT_TYPE = "application/cloudevents+json";

export interface MnsCloudEvent {
  specversion: "1.0";
  id: string;
  source: string;
  type: string;
  time: string;
  dataref: string;
  subject: string;
  /** PDS `meta.versionId`, plain digits as in the schema's example (`"12"`). */
  versionid?: string;
}

/** Builds the CloudEvent for a signal. */
export function toCloudEvent(signal: Signal): MnsCloudEvent {
  const event: MnsCloudEvent = {
    specversion: "1.0",
    id: signal.id,
    source: PDS_SOURCE,
    type: signal.type,
    time: signal.time,
    dataref: signal.dataref,
    subject: signal.nhsNumber,
  };
  if (signal.versionId !== undefined) event.versionid = signal.versionId;
  return event;
}
