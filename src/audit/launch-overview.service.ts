/**
 * Launches to NCRS at a glance, for operations and support: how many opened, how many were refused
 * and why, what browsers reported, by organisation, over the last hour, day or week. Counted from
 * the audit trail, so it covers every instance and survives restarts. It names no one (codes and
 * counts only), so reading it is not itself audited; each reason leads to the records behind it
 * through the audit search, which is.
 */
import type { Clock } from "../platform/clock.ts";
import type { AuditRecordStore, AuditTallyStore, OutcomeTally } from "./audit.ports.ts";
import { isOutcomeCode, OUTCOMES, type OutcomeCode } from "./audit-outcomes.ts";

const HOUR_MS = 3_600_000;

/** The periods an overview covers, ending now. */
export const PERIODS = {
  "1h": { ms: HOUR_MS, label: "Last hour" },
  "24h": { ms: 24 * HOUR_MS, label: "Last 24 hours" },
  "7d": { ms: 7 * 24 * HOUR_MS, label: "Last 7 days" },
} as const;

export type Period = keyof typeof PERIODS;

export function isPeriod(value: unknown): value is Period {
  return typeof value === "string" && Object.hasOwn(PERIODS, value);
}

/** The launch records counted: the redirect, the refusal, and what the browser reported. */
const LAUNCH_RECORD_TYPES = ["launch.redirected", "launch.blocked", "launch.browser_outcome"];

export interface ReasonCount {
  readonly outcome: OutcomeCode;
  readonly meaning: string;
  readonly count: number;
}

export interface OrganisationCount {
  readonly orgCode: string | null;
  readonly launched: number;
  readonly refused: number;
}

export interface LaunchOverview {
  readonly period: Period;
  readonly from: Date;
  readonly to: Date;
  readonly launched: number;
  readonly refused: number;
  /** Refused launches as a share of launches asked for (0–1); null when none were. */
  readonly refusedShare: number | null;
  /** Why launches were refused, most frequent first. */
  readonly reasons: readonly ReasonCount[];
  /**
   * What page scripts reported after launches: NCRS answered in its tab, had not answered within
   * the wait, the tab reached us but could not be watched (a reused tab), the tab was blocked; and
   * launches with no report at all (JavaScript off, the page closed first, or the report lost).
   */
  readonly browser: {
    readonly ncrsAnswered: number;
    readonly ncrsNotAnswered: number;
    readonly opened: number;
    readonly popupBlocked: number;
    readonly noReport: number;
  };
  /** Launches by organisation, busiest first. */
  readonly organisations: readonly OrganisationCount[];
}

export interface LaunchOverviewDeps {
  readonly records: Pick<AuditRecordStore, "seqRangeOf">;
  readonly tallies: AuditTallyStore;
  readonly clock: Clock;
}

export class LaunchOverviewService {
  readonly #deps: LaunchOverviewDeps;

  constructor(deps: LaunchOverviewDeps) {
    this.#deps = deps;
  }

  async overview(period: Period): Promise<LaunchOverview> {
    const to = this.#deps.clock.now();
    const from = new Date(to.getTime() - PERIODS[period].ms);
    const { fromSeq, toSeq } = await this.#deps.records.seqRangeOf(from.getTime(), to.getTime());
    const tallies = await this.#deps.tallies.tally(LAUNCH_RECORD_TYPES, fromSeq, toSeq);
    return { period, from, to, ...summarise(tallies) };
  }
}

function summarise(tallies: readonly OutcomeTally[]): Omit<LaunchOverview, "period" | "from" | "to"> {
  const byOutcome = new Map<string, number>();
  const byOrg = new Map<string | null, { launched: number; refused: number }>();
  for (const t of tallies) {
    byOutcome.set(t.outcome, (byOutcome.get(t.outcome) ?? 0) + t.records);
    const side = t.outcome === "launched" ? "launched" : t.outcome.startsWith("blocked.") ? "refused" : null;
    if (side === null) continue;
    const org = byOrg.get(t.orgCode) ?? { launched: 0, refused: 0 };
    org[side] += t.records;
    byOrg.set(t.orgCode, org);
  }
  const reasons = [...byOutcome]
    .filter(
      (entry): entry is [OutcomeCode, number] => entry[0].startsWith("blocked.") && isOutcomeCode(entry[0]),
    )
    .map(([outcome, count]) => ({ outcome, meaning: OUTCOMES[outcome].meaning, count }))
    .sort((a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome));
  const launched = byOutcome.get("launched") ?? 0;
  const refused = reasons.reduce((sum, r) => sum + r.count, 0);
  return {
    launched,
    refused,
    refusedShare: launched + refused === 0 ? null : refused / (launched + refused),
    reasons,
    browser: browserReports(byOutcome, launched),
    organisations: [...byOrg]
      .map(([orgCode, c]) => ({ orgCode, ...c }))
      .sort(
        (a, b) =>
          b.launched + b.refused - (a.launched + a.refused) ||
          (a.orgCode ?? "").localeCompare(b.orgCode ?? ""),
      ),
  };
}

function browserReports(byOutcome: ReadonlyMap<string, number>, launched: number): LaunchOverview["browser"] {
  const count = (outcome: string) => byOutcome.get(`browser.${outcome}`) ?? 0;
  const reports = {
    ncrsAnswered: count("ncrs_answered"),
    ncrsNotAnswered: count("ncrs_not_answered"),
    opened: count("opened"),
    popupBlocked: count("popup_blocked"),
  };
  // Reports come from redirected launches only (a refusal is shown by us, and never reported).
  const reported = reports.ncrsAnswered + reports.ncrsNotAnswered + reports.opened + reports.popupBlocked;
  return { ...reports, noReport: Math.max(0, launched - reported) };
}
