/**
 * Metrics for national change events, following the events domain's domain events: received,
 * duplicates, refused, processed by outcome (applied, stale, re-keyed…), failures that will be
 * retried, dead letters and replays; and, read from the inbox when scraped, the backlog, the age of
 * the oldest unprocessed event and the dead letters waiting. Labels are types, outcomes and codes,
 * never identifiers.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { EventsDomainEvents } from "../events/events.events.ts";
import type { InboxCounts } from "../events/events.ports.ts";
import type { Clock } from "../platform/clock.ts";

/** The part of the domain event bus this needs (the shared bus fits once the events rows are added). */
export interface EventsSubscribable {
  on<K extends keyof EventsDomainEvents>(name: K, handler: (payload: EventsDomainEvents[K]) => void): unknown;
}

/**
 * Registers the event counters on the bus and the inbox gauges (read through `counts` once per
 * scrape) in the registry.
 */
export function subscribeEventMetrics(
  events: EventsSubscribable,
  registry: Registry,
  counts: () => Promise<InboxCounts>,
  clock: Clock,
): void {
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const received = counter(
    "ncrs_events_received_total",
    "Change events stored, by type, format and channel",
    ["type", "format", "channel"],
  );
  const duplicates = counter("ncrs_events_duplicate_total", "Deliveries of events already stored, by type", [
    "type",
  ]);
  const rejected = counter("ncrs_events_rejected_total", "Deliveries refused before storing, by error code", [
    "code",
  ]);
  const processed = counter(
    "ncrs_events_processed_total",
    "Events processed, by type and outcome (applied, stale, rekeyed, not_in_index…)",
    ["type", "outcome"],
  );
  const failed = counter(
    "ncrs_events_failed_total",
    "Processing attempts that failed and will be retried, by code",
    ["code"],
  );
  const dead = counter("ncrs_events_dead_lettered_total", "Events given up on, by type", ["type"]);
  const replayed = counter(
    "ncrs_events_replayed_total",
    "Events put back in the queue by a replay, by scope",
    ["scope"],
  );

  events.on(
    "event.received",
    (e) => void received.inc({ type: e.eventType, format: e.format, channel: e.channel }),
  );
  events.on("event.duplicate_received", (e) => void duplicates.inc({ type: e.eventType }));
  events.on("event.rejected", (e) => void rejected.inc({ code: e.code }));
  events.on("event.processed", (e) => void processed.inc({ type: e.eventType, outcome: e.outcome }));
  events.on("event.retry_scheduled", (e) => void failed.inc({ code: e.code }));
  events.on("event.dead_lettered", (e) => void dead.inc({ type: e.eventType }));
  events.on("event.replayed", (e) => void replayed.inc({ scope: e.scope }, e.count));

  // One read of the inbox per scrape serves all three gauges.
  let pending: Promise<InboxCounts> | null = null;
  const current = () => {
    pending ??= counts().finally(() => {
      setImmediate(() => {
        pending = null;
      });
    });
    return pending;
  };
  new Gauge({
    name: "ncrs_events_backlog",
    help: "Events waiting or being processed",
    registers: [registry],
    async collect() {
      this.set((await current()).backlog);
    },
  });
  new Gauge({
    name: "ncrs_events_oldest_unprocessed_age_seconds",
    help: "Age of the oldest event not yet processed (0 when none is waiting)",
    registers: [registry],
    async collect() {
      const oldest = (await current()).oldestUnprocessedAt;
      this.set(oldest ? Math.max(0, (clock.now().getTime() - oldest.getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: "ncrs_events_dead_letters",
    help: "Dead-lettered events waiting for someone to look (replay clears them)",
    registers: [registry],
    async collect() {
      this.set((await current()).byStatus.dead);
    },
  });
}
