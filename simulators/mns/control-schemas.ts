/**
 * The bodies the control API accepts, checked before anything touches PDS or the receiver. Shared
 * by the JSON API and the control page's forms.
 */
import { z } from "zod";
import { BURST_POOL } from "./patient-pool.ts";
import { BURST_TYPES } from "./scenarios/burst.ts";
import { MALFORMED_KINDS } from "./scenarios/malformed-kinds.ts";
import { EVENT_TYPES, FORMATS } from "./signal.ts";

/** Largest burst one request may ask for. */
export const MAX_BURST = 100_000;
export const MAX_ATTEMPTS = 10;

const nhsNumber = z.string().regex(/^\d{10}$/, "a 10-digit NHS number");
const format = z.enum(FORMATS).exactOptional();
const attempts = z.number().int().min(1).max(MAX_ATTEMPTS).exactOptional();
const eventType = z.enum(EVENT_TYPES);

export const publishBody = z
  .strictObject({
    type: eventType,
    nhsNumber,
    format,
    change: z.record(z.string(), z.unknown()).exactOptional(),
    survivor: nhsNumber.exactOptional(),
    attempts,
  })
  .refine((body) => body.type === "nhs-number-change-2" || body.survivor === undefined, {
    message: "survivor applies to nhs-number-change-2 only",
    path: ["survivor"],
  })
  .refine((body) => body.type !== "nhs-number-change-2" || body.change === undefined, {
    message: "an NHS-number change is a supersession (survivor) or an invalidation, not a PATCH",
    path: ["change"],
  });

export const burstBody = z
  .strictObject({
    count: z.number().int().min(1).max(MAX_BURST),
    nhsNumbers: z.array(nhsNumber).min(1).exactOptional(),
    patients: z.number().int().min(1).max(BURST_POOL.length).exactOptional(),
    types: z.array(z.enum(BURST_TYPES)).min(1).exactOptional(),
    format,
    concurrency: z.number().int().min(1).max(64).exactOptional(),
    attempts,
  })
  .refine((body) => body.nhsNumbers === undefined || body.patients === undefined, {
    message: "give nhsNumbers or patients, not both",
  });

export const duplicateBody = z.union([
  z.strictObject({ eventId: z.uuid(), attempts }),
  z.strictObject({ type: eventType, nhsNumber, format, attempts }),
]);

export const outOfOrderBody = z.strictObject({ nhsNumber, format, attempts });

export const unknownPatientBody = z.strictObject({
  nhsNumber: nhsNumber.exactOptional(),
  type: eventType.exactOptional(),
  format,
  attempts,
});

export const malformedBody = z.strictObject({
  kind: z.enum(MALFORMED_KINDS),
  nhsNumber: nhsNumber.exactOptional(),
  format,
});
