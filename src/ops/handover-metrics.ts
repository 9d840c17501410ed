/**
 * Hand-over metrics: patients handed over by point-of-care systems, by source (api, signed_launch,
 * embed, ui, smart) and outcome (what the checks found, or `refused`), and by the refusal's code. Labels
 * are codes and our own fixed words, never patients, people or client secrets.
 */
import { Counter, type Registry } from "prom-client";
import type { Events } from "../domain-events.ts";

export function subscribeHandoverMetrics(events: Events, registry: Registry): void {
  const handovers = new Counter({
    name: "ncrs_patient_handovers_total",
    help: "Patients handed over by point-of-care systems, by source and outcome (verified, needs_confirmation, superseded, invalidated, not_found, unavailable, refused)",
    labelNames: ["source", "outcome"],
    registers: [registry],
  });
  const refusals = new Counter({
    name: "ncrs_patient_handover_refusals_total",
    help: "Hand-overs refused, by source and error code",
    labelNames: ["source", "code"],
    registers: [registry],
  });
  const smartRefusals = new Counter({
    name: "ncrs_smart_launch_refusals_total",
    help: "SMART EHR launches refused, by EHR (our id, or none when unregistered), step (launch, callback, continue) and error code",
    labelNames: ["ehr", "step", "code"],
    registers: [registry],
  });
  events.on("smart_launch.refused", (e) =>
    smartRefusals.inc({ ehr: e.ehrId ?? "none", step: e.step, code: e.code }),
  );
  events.on("patient_context.received", (e) => {
    handovers.inc({ source: e.source, outcome: e.status });
    if (e.problem) refusals.inc({ source: e.source, code: e.problem });
  });
}
