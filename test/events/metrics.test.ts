/**
 * Event metrics follow the domain events and read the inbox when scraped: received, duplicates,
 * refusals, processed by outcome (applied, stale, not in index), failures, dead letters, backlog
 * and the age of the oldest unprocessed event.
 */
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventsSubscribable } from "../../src/ops/event-metrics.ts";
import { subscribeEventMetrics } from "../../src/ops/event-metrics.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { type Harness, startHarness } from "./support/events-harness.ts";

describe("event metrics", () => {
  let h: Harness;
  const registry = new Registry();
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as { value: number; labels: Record<string, string> }[];
    return values
      .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
      .reduce((n, v) => n + v.value, 0);
  };

  beforeAll(async () => {
    h = await startHarness({ dialect: "sqlite", settings: { maxAttempts: 1 } });
    subscribeEventMetrics(
      h.bus as unknown as EventsSubscribable,
      registry,
      () => h.module.counts(),
      systemClock,
    );
  });
  afterAll(() => h.close());

  it("count what arrives, what processing found, and what is waiting", async () => {
    const burst = [];
    for (let i = 0; i < 3; i++)
      burst.push(await h.mnsControl("publish", { type: "pds-record-change-2", nhsNumber: "9991000038" }));
    await h.mnsControl("duplicate", { eventId: (burst[0] as { eventId: string }).eventId });
    await h.mnsControl("malformed", { kind: "bad-signature" });
    await h.mnsControl("unknown-patient", {});
    expect(await value("ncrs_events_backlog")).toBe(4);
    expect(await value("ncrs_events_oldest_unprocessed_age_seconds")).toBeGreaterThanOrEqual(0);
    await h.drain();
    await h.pdsControl("PUT", "scenario", { scenario: "unavailable" });
    await h.mnsControl("publish", { type: "pds-change-of-gp-2", nhsNumber: "9991000046" });
    await h.drain();
    await h.pdsControl("PUT", "scenario", { scenario: null });

    expect(
      await value("ncrs_events_received_total", { type: "pds-record-change-2", format: "cloudevent" }),
    ).toBe(4);
    // The simulator sends an earlier event twice more: both are duplicates.
    expect(await value("ncrs_events_duplicate_total")).toBe(2);
    // A delivery whose signature fails is an anonymous refusal, counted as such (see refusal-metrics).
    expect(await value("ncrs_events_rejected_total", { code: "events.signature_invalid" })).toBe(0);
    expect(await value("ncrs_events_processed_total", { outcome: "applied" })).toBe(1);
    expect(await value("ncrs_events_processed_total", { outcome: "stale" })).toBe(2);
    expect(await value("ncrs_events_processed_total", { outcome: "not_in_index" })).toBe(1);
    expect(await value("ncrs_events_dead_lettered_total", { type: "pds-change-of-gp-2" })).toBe(1);
    expect(await value("ncrs_events_dead_letters")).toBe(1);
    expect(await value("ncrs_events_backlog")).toBe(0);
    expect(await value("ncrs_events_oldest_unprocessed_age_seconds")).toBe(0);
    // No NHS number in any label (values may hold ten digits in a row: 0.0012345678901).
    const labels = ((await registry.metrics()).match(/\{[^}]*\}/g) ?? []).join("\n");
    expect(labels).toContain("pds-record-change-2");
    expect(labels).not.toMatch(/\d{10}|\d{3} \d{3} \d{4}/);
  });
});
