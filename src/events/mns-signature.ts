/**
 * The X-MNS-Signature check: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is signed with the body, so a captured delivery cannot be replayed outside the
 * window; inside it a replay is only a duplicate, which the inbox's unique key absorbs.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import { AppError } from "../platform/errors.ts";
import { eventErrors } from "./events.errors.ts";

export interface ParsedSignature {
  readonly timestamp: number;
  /** Every `v1` value (a sender may sign with several secrets during rotation). */
  readonly signatures: readonly string[];
}

const TIMESTAMP = /^\d{1,12}$/;
const HEX_SIGNATURE = /^[0-9a-fA-F]{64}$/;

/** Reads the header; null when it is absent or not in the documented form. */
export function parseSignatureHeader(header: string | undefined): ParsedSignature | null {
  if (!header || header.length > 1024) return null;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const raw of header.split(",")) {
    const part = raw.trim();
    if (part.startsWith("t=") && timestamp === null && TIMESTAMP.test(part.slice(2)))
      timestamp = Number(part.slice(2));
    else if (part.startsWith("v1=") && HEX_SIGNATURE.test(part.slice(3)))
      signatures.push(part.slice(3).toLowerCase());
    else return null;
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * A secret prepared once for many checks: OpenSSL sets a KeyObject up once rather than per
 * delivery (about five times faster under load).
 */
export function signingKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, "utf8"));
}

/** The hex signature of `body` at `timestamp` under `secret`. */
export function signatureOf(secret: string | KeyObject, timestamp: number, body: Uint8Array): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

/** The header value a sender would send (used by tests and benchmarks, and to document the format). */
export function signatureHeader(secret: string, timestamp: number, body: Uint8Array): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

export interface SignatureCheck {
  readonly header: string | undefined;
  readonly body: Uint8Array;
  readonly secrets: readonly (string | KeyObject)[];
  readonly now: Date;
  readonly windowSeconds: number;
}

/**
 * Accepts the delivery or throws `events.signature_missing`, `signature_invalid` or
 * `signature_expired`. The signature is checked before the time, so an unsigned caller learns
 * nothing about our clock.
 */
export function verifySignature(check: SignatureCheck): void {
  const parsed = parseSignatureHeader(check.header);
  if (!parsed) throw new AppError(eventErrors.signature_missing);
  const given = parsed.signatures.map((hex) => Buffer.from(hex, "hex"));
  const matches = check.secrets.some((secret) => {
    const expected = createHmac("sha256", secret).update(`${parsed.timestamp}.`).update(check.body).digest();
    return given.some((signature) => timingSafeEqual(expected, signature));
  });
  if (!matches) throw new AppError(eventErrors.signature_invalid);
  const skewSeconds = Math.abs(check.now.getTime() / 1000 - parsed.timestamp);
  if (skewSeconds > check.windowSeconds)
    throw new AppError(eventErrors.signature_expired, { details: { windowSeconds: check.windowSeconds } });
}
