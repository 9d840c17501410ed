/**
 * Checks an `Authorization: NHSMESH …` header as MESH does, and more strictly than NHS England's
 * mesh-sandbox (which checks neither the time window, nor replay): exactly the `NHSMESH ` scheme and
 * five parts; the mailbox id equal to the path's and known; a decimal nonce count; a `yyyyMMddHHmm`
 * UTC timestamp within the window of the simulator's clock (2 hours, or a stricter one); the
 * HMAC-SHA256 keyed with the environment's shared key (not the password) over
 * `mailbox:nonce:count:password:timestamp`; and no (mailbox, nonce, count) used twice.
 * Written from MESH's API specification, independently of the product's client.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface AuthContext {
  readonly sharedKey: string;
  readonly passwords: ReadonlyMap<string, string>;
  readonly now: Date;
  readonly windowMinutes: number;
  /** Seen tokens: `mailbox:nonce:count`. */
  readonly seen: Set<string>;
}

/** The sandbox's messages for a 403 (its constants), so clients see what they would there. */
export type AuthRefusal =
  | "Error reading from Authorization header"
  | "Invalid Authentication Token"
  | "Mailbox id does not match token"
  | "No mailbox matched"
  | "Authentication token has expired or is not yet valid"
  | "Authentication token has already been used";

function parseTimestamp(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(at);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 ? at : null;
}

/** null when the header is good for `pathMailbox` (and then it is spent); else the refusal. */
export function checkAuthorization(
  header: string | undefined,
  pathMailbox: string,
  context: AuthContext,
): AuthRefusal | null {
  if (header === undefined || !header.startsWith("NHSMESH "))
    return "Error reading from Authorization header";
  const parts = header.slice("NHSMESH ".length).split(":");
  if (parts.length !== 5) return "Error reading from Authorization header";
  const [mailbox, nonce, count, timestamp, hash] = parts as [string, string, string, string, string];
  if (mailbox !== pathMailbox) return "Mailbox id does not match token";
  const password = context.passwords.get(mailbox);
  if (password === undefined) return "No mailbox matched";
  if (nonce === "" || !/^\d+$/.test(count)) return "Invalid Authentication Token";
  const at = parseTimestamp(timestamp);
  if (at === null) return "Invalid Authentication Token";
  const expected = createHmac("sha256", context.sharedKey)
    .update(`${mailbox}:${nonce}:${count}:${password}:${timestamp}`, "ascii")
    .digest();
  const given = Buffer.from(hash.toLowerCase(), "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return "Invalid Authentication Token";
  if (Math.abs(context.now.getTime() - at) > context.windowMinutes * 60_000)
    return "Authentication token has expired or is not yet valid";
  const key = `${mailbox}:${nonce}:${count}`;
  if (context.seen.has(key)) return "Authentication token has already been used";
  context.seen.add(key);
  return null;
}
