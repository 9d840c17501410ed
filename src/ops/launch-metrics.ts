/**
 * Launch metrics: how many launches went ahead or were refused and why, by organisation, and how
 * long the audited launch took us (the part of the click we own). Labels are codes, kinds and
 * organisation codes, never people or patients.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import type { Events } from "../domain-events.ts";

export function subscribeLaunchMetrics(events: Events, registry: Registry): void {
  const launches = new Counter({
    name: "ncrs_launches_total",
    help: "Launches to NCRS by outcome (launched, blocked.<reason>) and organisation",
    labelNames: ["outcome", "org"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "ncrs_launch_duration_seconds",
    help: "Time from the click reaching us to the redirect (checks and durable audit), by outcome",
    labelNames: ["outcome"],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const browser = new Counter({
    name: "ncrs_launch_browser_outcomes_total",
    help: "What browsers reported after the click: ncrs_answered, ncrs_not_answered, opened (a reused tab) or popup_blocked",
    labelNames: ["outcome"],
    registers: [registry],
  });
  events.on("launch.redirected", (e) => {
    launches.inc({ outcome: e.outcome, org: e.orgCode ?? "none" });
    duration.observe({ outcome: e.outcome }, e.durationMs / 1000);
  });
  events.on("launch.blocked", (e) => {
    launches.inc({ outcome: e.outcome, org: e.orgCode ?? "none" });
    duration.observe({ outcome: "blocked" }, e.durationMs / 1000);
  });
  events.on(
    "launch.browser_outcome",
    (e) => void browser.inc({ outcome: e.outcome.slice("browser.".length) }),
  );
}
