/**
 * The request and response schemas of the change-event API (events.routes.ts): the MNS intake and
 * the administrators' inbox API. Answers keep every field the inbox row shows (an event object
 * allows more than it names), so a new column is never silently dropped from the API.
 */
import { type TSchema, Type } from "typebox";
import { EVENT_STATUSES } from "../../events/event.types.ts";
import { eventErrors } from "../../events/events.errors.ts";
import { sessionErrors } from "../../identity/identity.errors.ts";
import { platformErrors } from "../../platform/platform.errors.ts";
import { errorResponses } from "../openapi.ts";

/** A value that may be null, as one JSON Schema type list (a Date is written as its ISO string). */
const orNull = (schema: { type: string } & Record<string, unknown>) =>
  Type.Unsafe<unknown>({ ...schema, type: [schema.type, "null"] });

const dateTime = (description: string) => Type.String({ format: "date-time", description });

const InboxCounts = Type.Object(
  {
    byStatus: Type.Record(Type.String(), Type.Integer(), { description: "Events per status" }),
    backlog: Type.Integer({ description: "Waiting or being processed" }),
    oldestUnprocessedAt: orNull({
      type: "string",
      format: "date-time",
      description: "Received time of the oldest event not yet processed, skipped or dead",
    }),
  },
  { additionalProperties: true },
);

const InboxEvent = Type.Object(
  {
    id: Type.String({ format: "uuid", description: "The inbox's reference" }),
    source: Type.String({ description: "The producer" }),
    externalId: Type.String({ description: "The producer's event id (with source, the de-duplication key)" }),
    channel: Type.String({ description: "Which intake received it: http, sqs or mesh" }),
    format: Type.String({ description: "cloudevent or fhir" }),
    type: Type.String({ description: "The MNS event type" }),
    nhsNumber: Type.String({ description: "The NHS number the event is about" }),
    pdsVersion: orNull({ type: "integer", description: "PDS version of the record after the change" }),
    occurredAt: orNull({ type: "string", format: "date-time", description: "When the change happened" }),
    receivedAt: dateTime("When the event was received"),
    correlationId: Type.String(),
    contentType: Type.String(),
    status: Type.String({ enum: [...EVENT_STATUSES] }),
    attempts: Type.Integer(),
    nextAttemptAt: dateTime("When a worker may take it next"),
    lastError: orNull({ type: "string", description: "Why the last attempt failed" }),
    outcome: orNull({ type: "string", description: "What processing found" }),
    notable: Type.Array(Type.String(), { description: "Changes a clinician should know about" }),
    patientId: orNull({ type: "string", description: "The local patient it concerned" }),
    processedAt: orNull({ type: "string", format: "date-time" }),
    generation: Type.Integer({ description: "Raised by each replay" }),
  },
  { additionalProperties: true },
);

export const EventList = Type.Object(
  {
    summary: InboxCounts,
    events: Type.Array(InboxEvent, { description: "Newest first, one page" }),
    next: orNull({ type: "string", description: "Pass as `before` for the next page; null on the last" }),
  },
  { description: "One page of the inbox with its counts" },
);

export const EventDetail = Type.Object(
  {
    event: InboxEvent,
    contentType: Type.String(),
    body: Type.String({ description: "The event as delivered (JSON pretty-printed)" }),
  },
  { description: "One event and its body as received" },
);

/** The list filters as a link carries them: never an NHS number. */
export const ListQuery = Type.Object({
  status: Type.Optional(Type.String({ description: `One of ${EVENT_STATUSES.join(", ")}` })),
  type: Type.Optional(Type.String({ description: "An MNS event type" })),
  nhs: Type.Optional(Type.String({ description: "Refused (events.nhs_number_in_url): use the search" })),
  before: Type.Optional(Type.String({ description: "The `next` of the previous page" })),
});

/** A POSTed list search: the same filters as the link, with the NHS number allowed. */
export const ListBody = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 20, description: "An event status" })),
    type: Type.Optional(Type.String({ maxLength: 60, description: "An MNS event type" })),
    nhs: Type.Optional(Type.String({ maxLength: 20, description: "The NHS number the events are about" })),
    before: Type.Optional(Type.String({ maxLength: 80, description: "The `next` of the previous page" })),
    _csrf: Type.Optional(Type.String({ description: "The CSRF token, for the page's form" })),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({
  id: Type.String({ format: "uuid", description: "The inbox's reference" }),
});

export const ReplayBody = Type.Object(
  {
    id: Type.Optional(Type.String({ description: "One event to replay" })),
    scope: Type.Optional(
      Type.String({ description: "Or: `dead`, `range` (with from and to), or `all` (with confirm)" }),
    ),
    from: Type.Optional(
      Type.String({ description: "With scope range: received from (ISO 8601 or dd/mm/yyyy hh:mm)" }),
    ),
    to: Type.Optional(Type.String({ description: "With scope range: received until" })),
    confirm: Type.Optional(Type.String({ description: "With scope all: `yes`" })),
  },
  { description: "Which events to process again" },
);

export const Replayed = Type.Object(
  { replayed: Type.Integer({ description: "How many events were queued for processing again" }) },
  { description: "Queued" },
);

/** A delivered event, described (the intake reads the signed bytes itself; see the route). */
const deliveredEvent = (description: string): TSchema =>
  Type.Object({}, { additionalProperties: true, description });

export const intakeSchema = {
  operationId: "deliverChangeEvent",
  summary: "Deliver a national change event (MNS)",
  description:
    "MNS delivers each subscribed event here, server to server, signed with `X-MNS-Signature` over the exact body. An event is a prompt to read PDS again, never data to apply. The same event delivered twice is acknowledged as a duplicate. Nothing is stored when the delivery is refused. Deliveries whose signature fails are limited per address.",
  tags: ["Change events"],
  security: [{ mnsSignature: [] }],
  body: {
    content: {
      "application/cloudevents+json": {
        schema: deliveredEvent(
          "A CloudEvent 1.0: id, source, type, subject (the NHS number), time, versionid",
        ),
      },
      "application/fhir+json": { schema: deliveredEvent("A FHIR R4 history Bundle as MNS sends it") },
    },
  },
  response: {
    200: Type.Object(
      {
        status: Type.Literal("duplicate"),
        eventId: Type.String({ description: "The event's own id, as delivered" }),
        correlationId: Type.String(),
      },
      { description: "Already received; nothing new stored" },
    ),
    202: Type.Object(
      {
        status: Type.Literal("accepted"),
        id: Type.String({ format: "uuid", description: "The inbox's reference" }),
        eventId: Type.String({ description: "The event's own id, as delivered" }),
        correlationId: Type.String(),
      },
      { description: "Stored durably; it will be processed" },
    ),
    ...errorResponses(
      eventErrors.invalid_json,
      eventErrors.schema_invalid,
      eventErrors.subject_invalid,
      eventErrors.signature_missing,
      eventErrors.signature_invalid,
      eventErrors.signature_expired,
      eventErrors.unsupported_media_type,
      platformErrors.body_too_large,
      eventErrors.unsupported_type,
      platformErrors.rate_limited,
    ),
  },
} as const;

/** What every admin API call may be refused with. */
const adminRefusals = [sessionErrors.required, sessionErrors.forbidden] as const;

export const listSchema = {
  operationId: "listChangeEvents",
  summary: "List the inbox",
  description:
    "Newest first, one page, with the inbox's counts; filters by status and type. An NHS number is refused in the link: search with POST /api/v1/admin/events/search.",
  tags: ["Change events"],
  querystring: ListQuery,
  response: {
    200: EventList,
    ...errorResponses(eventErrors.nhs_number_in_url, platformErrors.invalid, ...adminRefusals),
  },
} as const;

export const searchSchema = {
  operationId: "searchChangeEvents",
  summary: "Search the inbox, by NHS number too",
  description:
    "The list's filters in a JSON body, the only way to filter by NHS number (it never reaches a URL).",
  tags: ["Change events"],
  body: ListBody,
  response: {
    200: EventList,
    ...errorResponses(platformErrors.invalid, ...adminRefusals, platformErrors.csrf_invalid),
  },
} as const;

export const detailSchema = {
  operationId: "getChangeEvent",
  summary: "One event, with its body as received",
  tags: ["Change events"],
  params: IdParams,
  response: {
    200: EventDetail,
    ...errorResponses(platformErrors.invalid, ...adminRefusals, eventErrors.not_found),
  },
} as const;

export const replaySchema = {
  operationId: "replayChangeEvents",
  summary: "Process events again",
  description:
    "Queues one event (`id`), the dead letters, a time range, or every event for processing again; each replay is audited.",
  tags: ["Change events"],
  body: ReplayBody,
  response: {
    200: Replayed,
    ...errorResponses(
      eventErrors.replay_invalid,
      platformErrors.invalid,
      ...adminRefusals,
      platformErrors.csrf_invalid,
      eventErrors.not_found,
      eventErrors.replay_in_progress,
    ),
  },
} as const;
