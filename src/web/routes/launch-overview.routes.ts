/**
 * The launch overview for administrators: launches to NCRS, refusals by reason, browser reports
 * and organisations over the last hour, day or week. Each reason links to the audit search for
 * exactly those records.
 */
import type { FastifyInstance } from "fastify";
import {
  isPeriod,
  type LaunchOverview,
  type LaunchOverviewService,
  PERIODS,
  type Period,
} from "../../audit/launch-overview.service.ts";

export interface LaunchOverviewRoutesDeps {
  readonly overview: LaunchOverviewService;
}

const DEFAULT_PERIOD: Period = "24h";

const querySchema = {
  type: "object",
  properties: { period: { type: "string", enum: Object.keys(PERIODS) } },
  additionalProperties: false,
} as const;

/** The audit search for the records behind one count. */
function searchLink(overview: LaunchOverview, filters: Record<string, string>): string {
  const query = new URLSearchParams({
    ...filters,
    from: overview.from.toISOString(),
    to: overview.to.toISOString(),
  });
  return `/admin/audit?${query}`;
}

function percent(share: number | null): string {
  if (share === null) return "No launches";
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

export async function launchOverviewRoutes(
  app: FastifyInstance,
  deps: LaunchOverviewRoutesDeps,
): Promise<void> {
  app.get<{ Querystring: { period?: string } }>(
    "/admin/launches",
    { config: { access: "admin" }, schema: { querystring: querySchema } },
    async (request, reply) => {
      const period = isPeriod(request.query.period) ? request.query.period : DEFAULT_PERIOD;
      const overview = await deps.overview.overview(period);
      return reply.page("launch-overview", {
        overview,
        periodLabel: PERIODS[period].label,
        periods: Object.entries(PERIODS).map(([value, p]) => ({
          href: `/admin/launches?period=${value}`,
          text: p.label,
          current: value === period,
        })),
        refusedShare: percent(overview.refusedShare),
        launchedLink: searchLink(overview, { outcome: "launched" }),
        reasons: overview.reasons.map((r) => ({ ...r, link: searchLink(overview, { outcome: r.outcome }) })),
        popupBlockedLink: searchLink(overview, { outcome: "browser.popup_blocked" }),
        notAnsweredLink: searchLink(overview, { outcome: "browser.ncrs_not_answered" }),
        organisations: overview.organisations.map((o) => ({
          ...o,
          name: o.orgCode ?? "No organisation",
          launchedLink: o.orgCode ? searchLink(overview, { orgCode: o.orgCode, outcome: "launched" }) : null,
          refusedLink: o.orgCode
            ? searchLink(overview, { orgCode: o.orgCode, type: "launch.blocked" })
            : null,
        })),
      });
    },
  );
}
