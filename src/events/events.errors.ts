/**
 * The events domain's errors. Intake refusals are 4xx with a code MNS's delivery log (and its
 * operators) can act on; nothing is stored for any of them.
 */
import { defineErrors } from "../platform/errors.ts";

export const eventErrors = defineErrors("events", {
  unsupported_media_type: {
    status: 415,
    title: "Unsupported content type",
    message: "Events are accepted as application/cloudevents+json or application/fhir+json.",
  },
  signature_missing: {
    status: 401,
    title: "Signature missing",
    message: "The X-MNS-Signature header is missing or not in the form t=<seconds>,v1=<hex>.",
  },
  signature_invalid: {
    status: 401,
    title: "Signature not valid",
    message: "The X-MNS-Signature does not match the body under any configured secret.",
  },
  signature_expired: {
    status: 401,
    title: "Signature outside the time window",
    message: "The X-MNS-Signature timestamp is too far from the current time.",
  },
  invalid_json: {
    status: 400,
    title: "Not JSON",
    message: "The event body is not valid JSON.",
  },
  schema_invalid: {
    status: 400,
    title: "Not an MNS event",
    message: "The event does not match the MNS schema for its content type.",
  },
  subject_invalid: {
    status: 400,
    title: "No valid NHS number",
    message: "The event has no subject, or its subject is not a valid NHS number.",
  },
  unsupported_type: {
    status: 422,
    title: "Event type not subscribed",
    message: "This service does not process events of this type.",
  },
  not_found: {
    status: 404,
    title: "Event not found",
    message: "There is no event with this reference in the inbox.",
    action: { text: "Go to national change events", href: "/admin/events" },
  },
  replay_in_progress: {
    status: 409,
    title: "Event is being processed",
    message: "This event is being processed right now, so it cannot be replayed until that finishes.",
    next: "Wait a moment, then try again.",
  },
  nhs_number_in_url: {
    status: 400,
    title: "NHS numbers are not accepted in links",
    message:
      "To find events by NHS number, use the search form (or POST /api/v1/admin/events/search): NHS numbers must never appear in web addresses, where browsers and logs keep them.",
  },
  replay_invalid: {
    status: 400,
    title: "Replay not understood",
    message: "Say which events to replay: one event, a time range (from before to), dead letters, or all.",
  },
  pds_behind: {
    status: 503,
    title: "PDS has not caught up",
    message: "PDS answered with an older version of the record than the event announced.",
  },
  stopped: {
    status: 503,
    title: "Event intake is stopping",
    message: "The service is shutting down; deliver the event again.",
  },
});
