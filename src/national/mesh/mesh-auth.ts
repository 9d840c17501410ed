/**
 * MESH's `Authorization: NHSMESH …` header (MESH API v2): a single-use token per request.
 *
 *   NHSMESH <MAILBOX>:<nonce>:<nonce_count>:<yyyyMMddHHmm UTC>:<hash>
 *   hash = lowercase hex HMAC-SHA256(key = environment shared key,
 *                                    msg = "<MAILBOX>:<nonce>:<nonce_count>:<password>:<timestamp>")
 *
 * The password is inside the HMAC only, never in the header; the order of the parts differs between
 * the message and the header, which is the usual mistake.
 */
import { createHmac, randomUUID } from "node:crypto";

export interface MeshCredentials {
  /** The mailbox id (upper case, as MESH requires). */
  readonly mailboxId: string;
  readonly password: string;
  /** The environment's shared key (the HMAC key; not the mailbox password). */
  readonly sharedKey: string;
}

/** `yyyyMMddHHmm` in UTC. */
export function meshTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, "").slice(0, 12);
}

/** The header value for exactly these inputs (the unit tests use fixed vectors). */
export function nhsmeshAuthorization(
  credentials: MeshCredentials,
  token: { readonly nonce: string; readonly nonceCount: number; readonly at: Date },
): string {
  const mailbox = credentials.mailboxId.toUpperCase();
  const timestamp = meshTimestamp(token.at);
  const message = `${mailbox}:${token.nonce}:${token.nonceCount}:${credentials.password}:${timestamp}`;
  const hash = createHmac("sha256", credentials.sharedKey).update(message, "ascii").digest("hex");
  return `NHSMESH ${mailbox}:${token.nonce}:${token.nonceCount}:${timestamp}:${hash}`;
}

/** A fresh header for one request: a new nonce each time, so a retry is never a replay. */
export function freshAuthorization(credentials: MeshCredentials, at: Date): string {
  return nhsmeshAuthorization(credentials, { nonce: randomUUID(), nonceCount: 0, at });
}
