/**
 * Where a request came from, as support needs it to answer "NCRS didn't open on this PC": the
 * client address (after trusted-proxy handling), a short summary of the browser and system
 * (`Chrome 131 on Windows 10`, never the whole header, which can carry identifying detail), and the
 * caller's own correlation id when it sent one.
 */
import Bowser from "bowser";

export interface ClientInfo {
  readonly address: string;
  readonly userAgent: string;
  readonly callerCorrelationId: string | null;
}

const MAX_SUMMARY = 80;
const UNKNOWN = "Unknown browser";

/** `Chrome 131 on Windows 10`; "Unknown browser" when there is nothing to read. */
export function summariseUserAgent(header: string | undefined): string {
  if (!header || header.trim() === "") return UNKNOWN;
  let parsed: Bowser.Parser.ParsedResult;
  try {
    parsed = Bowser.parse(header.slice(0, 512));
  } catch {
    return UNKNOWN;
  }
  const major = parsed.browser.version?.split(".")[0];
  const browser = [parsed.browser.name, major].filter(Boolean).join(" ");
  const os = [parsed.os.name, parsed.os.versionName ?? parsed.os.version?.split(".")[0]]
    .filter(Boolean)
    .join(" ");
  const summary = [browser || UNKNOWN, os ? `on ${os}` : ""].filter(Boolean).join(" ");
  return summary.replace(/[^\p{L}\p{N} ._()-]/gu, "").slice(0, MAX_SUMMARY);
}

/** What a request says of its client. */
export function clientInfo(
  address: string,
  userAgent: string | undefined,
  callerCorrelationId: string | null,
): ClientInfo {
  return { address, userAgent: summariseUserAgent(userAgent), callerCorrelationId };
}
