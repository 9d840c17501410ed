/**
 * Wires the counting of refusals nobody can be named for: the tally that writes one audit record
 * per kind and period (through the domain events, like every record) and its metrics. Part of the
 * composition root.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Config } from "../config/load-config.ts";
import type { Events } from "../domain-events.ts";
import { type RefusalMetrics, refusalMetrics } from "../ops/refusal-metrics.ts";
import { RefusalTally } from "../platform/refusal-tally.ts";

export interface Refusals {
  readonly tally: RefusalTally;
  readonly metrics: RefusalMetrics;
}

export function buildRefusals(deps: {
  readonly config: Config;
  readonly events: Events;
  readonly registry: Registry;
  readonly logger: Logger;
}): Refusals {
  const metrics = refusalMetrics(deps.registry);
  const tally = new RefusalTally({
    periodMs: deps.config.refusalTallySeconds * 1000,
    write: async (tallies) => {
      for (const t of tallies)
        await deps.events.emit("refusals.tallied", { ...t, correlationId: randomUUID() });
    },
    onRefusal: metrics.refused,
    onWriteFailed: (error) =>
      deps.logger.warn(
        { err: error },
        "refusal counts could not be recorded; they are kept for the next period",
      ),
  });
  return { tally, metrics };
}
