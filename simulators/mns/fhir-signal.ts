/**
 * The FHIR R4 form of a signal, for subscriptions whose payload is `application/fhir+json`: a
 * `Bundle` of type `history` whose only entry is a subscription-notification `Parameters`
 * (backport-subscription-status-r4), shaped like `examples/<event-type>/signal.json` and valid
 * against `fhirsignal.schema.json`.
 *
 * The examples differ in two places: the record-change example carries `version-id` but no
 * `focus`, the others a `focus` but no `version-id`. Every signal here carries both (the schema
 * allows both), so a subscriber always has the record to re-read and the version to compare.
 */
import { PDS_SOURCE, type Signal } from "./signal.ts";

export const FHIR_CONTENT_TYPE = "application/fhir+json";

/** The subscription reference and request URL every example uses. */
const SUBSCRIPTIONS_URL = "https://api.service.nhs.uk/multicast-notification-service/subscriptions";
const STATUS_PROFILE =
  "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";

export interface ParametersPart {
  name: string;
  valueString?: string;
  valueInstant?: string;
  valueUri?: string;
  valueCode?: string;
  valueReference?: { reference?: string; identifier?: { value: string } };
  part?: ParametersPart[];
}

export interface FhirSignalBundle {
  resourceType: "Bundle";
  id: string;
  type: "history";
  timestamp: string;
  entry: {
    fullUrl: string;
    resource: {
      resourceType: "Parameters";
      meta: { profile: string[] };
      id: string;
      parameter: ParametersPart[];
    };
    request: { method: "GET"; url: string };
    response: { status: "200" };
  }[];
}

function notificationEvent(signal: Signal): ParametersPart {
  return {
    name: "notification-event",
    part: [
      // The schema fixes the event number at "1": each delivery carries exactly one event.
      { name: "event-number", valueString: "1" },
      { name: "timestamp", valueInstant: signal.time },
      { name: "focus", valueReference: { reference: signal.dataref } },
    ],
  };
}

function additionalContext(signal: Signal): ParametersPart {
  const part: ParametersPart[] = [
    { name: "event-type", valueString: signal.type },
    { name: "source", valueUri: PDS_SOURCE },
    { name: "subject", valueReference: { identifier: { value: signal.nhsNumber } } },
  ];
  // The record-change example writes the version as PDS's ETag does: W/"<versionId>".
  if (signal.versionId !== undefined)
    part.push({ name: "version-id", valueString: `W/"${signal.versionId}"` });
  return { name: "additional-context", part };
}

/** Builds the FHIR subscription-notification Bundle for a signal. */
export function toFhirSignal(signal: Signal): FhirSignalBundle {
  return {
    resourceType: "Bundle",
    id: signal.id,
    type: "history",
    timestamp: signal.time,
    entry: [
      {
        fullUrl: `urn:uuid:${signal.id}`,
        resource: {
          resourceType: "Parameters",
          meta: { profile: [STATUS_PROFILE] },
          id: signal.id,
          parameter: [
            { name: "subscription", valueReference: { reference: SUBSCRIPTIONS_URL } },
            { name: "status", valueCode: "active" },
            { name: "type", valueCode: "event-notification" },
            notificationEvent(signal),
            additionalContext(signal),
          ],
        },
        request: { method: "GET", url: SUBSCRIPTIONS_URL },
        response: { status: "200" },
      },
    ],
  };
}
