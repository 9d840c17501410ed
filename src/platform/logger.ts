/**
 * pino, configured so that tokens, cookies and NHS numbers never reach a log: known secret fields
 * are redacted by path, and every finished line is scrubbed of anything shaped like an NHS number
 * (ten digits, optionally spaced 3 3 4, URL-encoded too) — in messages, fields, URLs, errors and
 * their causes alike.
 * Over-redaction is the safe failure. Scrubbing the serialised line is one regular expression per
 * line, far cheaper than walking every logged object.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";

/**
 * Ten digits, as 3 3 4 or not, separated by spaces or hyphens as typed, or as they look once
 * URL-encoded in a logged URL (`+`, `%20`, `%2D`). A digit that ends a percent-escape (`%20` before
 * the number) does not count as a digit before it.
 */
const SEP = "(?:[ +-]|%20|%2[dD])?";
const NHS_NUMBER = `(?<!(?<!%[0-9A-Fa-f])\\d)\\d{3}${SEP}\\d{3}${SEP}\\d{4}(?!\\d)`;
/**
 * UUIDs (request, correlation and record ids) are matched first and kept whole: their digit runs
 * can look like an NHS number, and masking part of an id would break following a request through
 * the log.
 */
const UUID = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
const UUID_OR_NHS_NUMBER = new RegExp(`(${UUID})|${NHS_NUMBER}`, "g");
export const NHS_NUMBER_MASK = "[nhs-number]";

const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.access_token",
  "*.id_token",
  "*.refresh_token",
  "*.logout_token",
  "*.code_verifier",
  "*.client_secret",
  "*.password",
  "*.nhsNumber",
  "*.launch_token",
  "access_token",
  "id_token",
  "logout_token",
  "launch_token",
  "nhsNumber",
];

/** Replaces NHS-number-shaped digit runs in a string. */
export function scrubNhsNumbers(text: string): string {
  return text.replace(UUID_OR_NHS_NUMBER, (_match, uuid: string | undefined) => uuid ?? NHS_NUMBER_MASK);
}

/**
 * Errors are logged by name, code, message, stack and cause only: other properties of library
 * errors can carry request bodies or tokens.
 */
function serializeError(error: Error, depth = 0): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  const cause = error.cause;
  return {
    type: error.name,
    ...(typeof code === "string" ? { code } : {}),
    message: error.message,
    stack: error.stack,
    ...(cause instanceof Error && depth < 4 ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: "ncrs-connect" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    hooks: { streamWrite: scrubNhsNumbers },
    serializers: {
      err: (e: unknown) => (e instanceof Error ? serializeError(e) : e),
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url }),
    },
  };
}

/**
 * A logger writing to `destination`, or to standard output through a buffered, asynchronous
 * stream: one write system call per few kilobytes of lines instead of one per line, which is a
 * tenth of a busy page's cost. It is flushed every quarter of a second and when the process exits.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  if (destination) return pino(loggerOptions(level), destination);
  // A quiet service's lines still appear within a quarter of a second: the stream's own periodic
  // flush writes what is buffered if no write is under way. (Calling flush() on a timer instead adds
  // a listener each time while a write is stuck behind a slow reader, and asks stdout to fsync.)
  const buffered = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });
  return pino(loggerOptions(level), buffered);
}
