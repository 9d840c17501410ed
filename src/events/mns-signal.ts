/**
 * Reading a delivered MNS event into a `ChangeSignal`: JSON, then the publisher's schema for the
 * content type, then our own rules (a subscribed type, a valid NHS number as subject). Every
 * refusal is an AppError from the catalogue, raised before anything is stored.
 */
import { parseNhsNumber } from "../patients/nhs-number.ts";
import { AppError } from "../platform/errors.ts";
import type { ChangeSignal, SignalFormat } from "./event.types.ts";
import { eventErrors } from "./events.errors.ts";
import { describeSchemaErrors, mnsValidators } from "./mns-schemas.ts";

export const CONTENT_TYPES: Readonly<Record<string, SignalFormat>> = {
  "application/cloudevents+json": "cloudevent",
  "application/fhir+json": "fhir",
};

/** The format a Content-Type header names (parameters such as charset ignored), or null. */
export function formatOf(contentType: string | undefined): SignalFormat | null {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return CONTENT_TYPES[mediaType] ?? null;
}

/** The facts of one signal before our own rules are applied. */
interface SignalFields {
  readonly externalId: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string | undefined;
  readonly version: string | undefined;
  readonly time: string | undefined;
}

/** `W/"5"`, `"5"` or `5` → 5; anything else → null (the event is then ordered by a fresh read). */
export function parseVersion(value: string | undefined): number | null {
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value?.trim() ?? "");
  return match ? Number(match[1]) : null;
}

/** The body as text, decoded once and without copying the bytes. */
export function utf8(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError(eventErrors.invalid_json, { cause: error });
  }
}

function cloudEventFields(event: Record<string, unknown>): SignalFields {
  const text = (key: string) => (typeof event[key] === "string" ? (event[key] as string) : undefined);
  return {
    externalId: text("id") as string,
    source: text("source") as string,
    type: text("type") as string,
    subject: text("subject"),
    version: text("versionid"),
    time: text("time"),
  };
}

interface FhirPart {
  readonly name: string;
  readonly valueString?: string;
  readonly valueUri?: string;
  readonly valueInstant?: string;
  readonly valueReference?: { readonly identifier?: { readonly value?: string } };
}

function fhirFields(bundle: Record<string, unknown>): SignalFields {
  // Shape guaranteed by the schema: entry[0].resource.parameter = [subscription, status, type,
  // notification-event, additional-context].
  const entry = (bundle["entry"] as { resource: { parameter: { name: string; part?: FhirPart[] }[] } }[])[0];
  const parameters = entry?.resource.parameter ?? [];
  const parts = (name: string) => parameters.find((p) => p.name === name)?.part ?? [];
  const context = parts("additional-context");
  const part = (name: string) => context.find((p) => p.name === name);
  return {
    externalId: bundle["id"] as string,
    source: part("source")?.valueUri as string,
    type: part("event-type")?.valueString as string,
    subject: part("subject")?.valueReference?.identifier?.value,
    version: part("version-id")?.valueString,
    time: parts("notification-event").find((p) => p.name === "timestamp")?.valueInstant,
  };
}

/**
 * Validates a delivered body of the given format.
 *
 * @throws AppError `events.invalid_json`, `schema_invalid`, `unsupported_type` or `subject_invalid`.
 */
export function readSignal(
  format: SignalFormat,
  text: string,
  acceptedTypes: readonly string[],
): ChangeSignal {
  const json = parseJson(text);
  const validate = format === "cloudevent" ? mnsValidators().cloudEvent : mnsValidators().fhirSignal;
  if (!validate(json) || typeof json !== "object" || json === null || Array.isArray(json))
    throw new AppError(eventErrors.schema_invalid, {
      details: { problem: describeSchemaErrors(validate.errors) },
    });
  const fields =
    format === "cloudevent"
      ? cloudEventFields(json as Record<string, unknown>)
      : fhirFields(json as Record<string, unknown>);
  if (
    !fields.externalId ||
    !fields.source ||
    !fields.type ||
    fields.externalId.length > 200 ||
    fields.source.length > 500
  )
    throw new AppError(eventErrors.schema_invalid, {
      details: { problem: "id, source or type missing or too long" },
    });
  if (!acceptedTypes.includes(fields.type)) throw new AppError(eventErrors.unsupported_type);
  const subject = /^\d{10}$/.test(fields.subject ?? "") ? parseNhsNumber(fields.subject as string) : null;
  if (!subject?.ok) throw new AppError(eventErrors.subject_invalid);
  const occurred = fields.time ? new Date(fields.time) : null;
  return {
    format,
    externalId: fields.externalId,
    source: fields.source,
    type: fields.type,
    subject: subject.value,
    pdsVersion: parseVersion(fields.version),
    occurredAt: occurred && !Number.isNaN(occurred.getTime()) ? occurred : null,
  };
}
