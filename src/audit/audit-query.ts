/**
 * Search parameters for the audit trail, as people and API clients send them (strings), checked
 * once: each wrong parameter is named with what would be right, so a search never silently means
 * something else. Times are ISO 8601 (a date alone means that whole UTC day).
 */
import { DOMAIN_EVENT_NAMES } from "../domain-events.ts";
import { describeNhsNumberProblem, type NhsNumber, parseNhsNumber } from "../patients/nhs-number.ts";
import { isOutcomeCode, type OutcomeCode } from "./audit-outcomes.ts";

/** Raw parameters (query string or form). */
export type RawAuditQuery = Readonly<Record<string, string | undefined>>;

/** A validated search. */
export interface AuditQuery {
  readonly nhsNumber?: NhsNumber;
  readonly userId?: string;
  /** Part of the user's name as CIS2 gave it, in any case. */
  readonly userName?: string;
  readonly orgCode?: string;
  readonly outcome?: OutcomeCode;
  readonly type?: string;
  readonly correlationId?: string;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  readonly to?: number;
  /** Page before this sequence (newest first). */
  readonly before?: number;
  readonly limit: number;
}

/** One wrong parameter and what would be right. */
export interface QueryProblem {
  readonly field: string;
  readonly message: string;
}

export type ParsedQuery =
  | { readonly ok: true; readonly query: AuditQuery }
  | { readonly ok: false; readonly problems: readonly QueryProblem[] };

/** The parameters a search understands; anything else is refused rather than ignored. */
export const QUERY_FIELDS = [
  "nhsNumber",
  "userId",
  "userName",
  "orgCode",
  "outcome",
  "type",
  "correlationId",
  "from",
  "to",
  "before",
  "limit",
] as const;

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const USER_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Letters, spaces, apostrophes, dots and hyphens: a name, and never a LIKE wildcard. */
const USER_NAME = /^[\p{L}][\p{L} '.-]{0,79}$/u;
const ODS_CODE = /^[A-Za-z0-9]{3,10}$/;
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Epoch ms of an ISO time; a date alone is the start (or, for `to`, the end) of that UTC day. */
export function parseTime(text: string, end: boolean): number | undefined {
  if (DATE_ONLY.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== text) return undefined;
    return end ? start + 86_399_999 : start;
  }
  if (!DATE_TIME.test(text)) return undefined;
  const at = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(at) ? undefined : at;
}

function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

type Parsed = { readonly value: unknown } | { readonly problem: string };
type Parser = (value: string) => Parsed;

const accept = (value: unknown): Parsed => ({ value });
const when = (ok: boolean, value: unknown, problem: string): Parsed => (ok ? { value } : { problem });
const TIME_HINT = "must be a date (2026-05-01) or date and time (2026-05-01T09:30).";

const PARSERS: Readonly<Record<(typeof QUERY_FIELDS)[number], Parser>> = {
  nhsNumber: (v) => {
    const parsed = parseNhsNumber(v);
    if (parsed.ok) return accept(parsed.value);
    const text = describeNhsNumberProblem(parsed.problem);
    return { problem: text.endsWith(".") ? text : `${text}.` };
  },
  userId: (v) =>
    when(USER_ID.test(v), v, "User ID must be the CIS2 UUID: up to 64 letters, digits or hyphens."),
  userName: (v) =>
    when(
      USER_NAME.test(v),
      v.replace(/\s+/g, " ").toLowerCase(),
      "User name must be letters, spaces, apostrophes, dots or hyphens, up to 80 characters.",
    ),
  orgCode: (v) =>
    when(ODS_CODE.test(v), v.toUpperCase(), "Organisation must be an ODS code of 3 to 10 letters or digits."),
  outcome: (v) => when(isOutcomeCode(v), v, "Choose an outcome from the list."),
  type: (v) =>
    when((DOMAIN_EVENT_NAMES as readonly string[]).includes(v), v, "Choose an event type from the list."),
  correlationId: (v) =>
    when(
      CORRELATION_ID.test(v),
      v,
      "Correlation ID must be up to 128 letters, digits, dots, colons, underscores or hyphens.",
    ),
  from: (v) => {
    const at = parseTime(v, false);
    return when(at !== undefined, at, `From ${TIME_HINT}`);
  },
  to: (v) => {
    const at = parseTime(v, true);
    return when(at !== undefined, at, `To ${TIME_HINT}`);
  },
  before: (v) => {
    const n = wholeNumber(v, 1, Number.MAX_SAFE_INTEGER);
    return when(n !== undefined, n, "Before must be a record number.");
  },
  limit: (v) => {
    const n = wholeNumber(v, 1, MAX_LIMIT);
    return when(n !== undefined, n, `Limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  },
};

/** Validates raw parameters; empty values count as absent. Unknown parameters are problems. */
export function parseAuditQuery(raw: RawAuditQuery, allowed: readonly string[] = QUERY_FIELDS): ParsedQuery {
  const out: Record<string, unknown> = { limit: DEFAULT_LIMIT };
  const problems: QueryProblem[] = [];
  for (const [field, value] of Object.entries(raw)) {
    if (typeof value !== "string") continue;
    const parse = (PARSERS as Record<string, Parser | undefined>)[field];
    if (parse === undefined || !allowed.includes(field)) {
      problems.push({ field, message: `${field} is not a search parameter.` });
      continue;
    }
    const text = value.trim();
    if (text === "") continue;
    if (text.length > 200) {
      problems.push({ field, message: `${field} is too long.` });
      continue;
    }
    const parsed = parse(text);
    if ("problem" in parsed) problems.push({ field, message: parsed.problem });
    else out[field] = parsed.value;
  }
  if (typeof out["from"] === "number" && typeof out["to"] === "number" && out["from"] > out["to"]) {
    problems.push({ field: "to", message: "To must be after From." });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, query: out as unknown as AuditQuery };
}

/** The filters of a query as `name=value` pairs, leaving out the NHS number (for the audit of reads). */
export function describeFilters(query: AuditQuery): string {
  const parts: string[] = [];
  for (const field of QUERY_FIELDS) {
    const value = query[field];
    if (value === undefined || field === "nhsNumber" || field === "limit") continue;
    parts.push(
      `${field}=${field === "from" || field === "to" ? new Date(value as number).toISOString() : String(value)}`,
    );
  }
  return parts.join("&");
}
