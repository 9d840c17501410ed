/**
 * What the inbox keeps sealed for each event: the subject NHS number and the body exactly as
 * received, in one AES-256-GCM envelope bound to the event's row (one encryption per event, not
 * two). The sealed text is the ten digits, a line feed, then the body. Only the blind index of the
 * number is stored in clear, so events can be grouped and found by number.
 */
import { type NhsNumber, nhsNumber } from "../patients/nhs-number.ts";
import type { InboxEvent } from "./event.types.ts";
import type { PayloadSealer } from "./events.ports.ts";

/** The sealed text of an event: subject, line feed, body; bound to the row `id`. */
export function sealEvent(sealer: PayloadSealer, id: string, subject: NhsNumber, body: string): string {
  return sealer.seal(id, `${subject}\n${body}`);
}

/** The subject and the raw body of a stored event. */
export function openEvent(
  sealer: PayloadSealer,
  event: Pick<InboxEvent, "id" | "payloadSealed">,
): { readonly subject: NhsNumber; readonly body: string } {
  const text = sealer.open(event.id, event.payloadSealed);
  const newline = text.indexOf("\n");
  return { subject: nhsNumber(text.slice(0, newline)), body: text.slice(newline + 1) };
}

/** The subject NHS number of a stored event. */
export function subjectOf(sealer: PayloadSealer, event: Pick<InboxEvent, "id" | "payloadSealed">): NhsNumber {
  return openEvent(sealer, event).subject;
}
