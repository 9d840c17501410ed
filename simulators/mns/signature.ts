/**
 * The signature our HTTP delivery adds in place of the SQS/MESH transport security real MNS
 * relies on: `X-MNS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Signing the timestamp with the body lets the receiver refuse replays of old deliveries.
 */
import { createHmac } from "node:crypto";

export const SIGNATURE_HEADER = "X-MNS-Signature";

/** Hex HMAC-SHA256 of `"<t>.<body>"` under `secret`. */
export function signatureValue(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The full `X-MNS-Signature` header value for a body sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureValue(secret, timestamp, body)}`;
}

/** Unix seconds of a date, as the header carries them. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
