/**
 * The service status page (`/status`, linked from every page's footer): whether this instance is
 * serving, and how the national services it calls are doing, told from the calls it has made
 * (never by probing them). Coarse states and times only, so it is public.
 */
import type { FastifyInstance } from "fastify";
import type { UpstreamHealth, UpstreamService, UpstreamState } from "../../ops/upstream-health.ts";
import { formatDateTime } from "../view-engine.ts";

export interface StatusRoutesDeps {
  readonly upstream: UpstreamHealth;
  readonly version: string;
  readonly startedAt: Date;
}

const NAMES: Readonly<Record<UpstreamService, string>> = {
  cis2: "NHS Care Identity Service 2 (sign-in)",
  pds: "Personal Demographics Service (PDS)",
};

const STATES: Readonly<Record<UpstreamState, { text: string; colour: string }>> = {
  ok: { text: "Working", colour: "green" },
  failing: { text: "Not responding", colour: "red" },
  unknown: { text: "Not used yet", colour: "grey" },
};

export async function statusRoutes(app: FastifyInstance, deps: StatusRoutesDeps): Promise<void> {
  app.get("/status", { config: { access: "public" } }, async (_request, reply) => {
    const services = deps.upstream.snapshot().map((s) => ({
      service: s.service,
      name: NAMES[s.service],
      state: s.state,
      tag: STATES[s.state],
      lastOk: s.lastOkAt ? formatDateTime(s.lastOkAt) : "Not yet",
      lastFailure: s.lastFailureAt ? `${formatDateTime(s.lastFailureAt)} (${s.lastFailureCode})` : "None",
    }));
    return reply.page("status", {
      services,
      version: deps.version,
      startedAt: formatDateTime(deps.startedAt),
    });
  });
}
