/**
 * The doctor's last results as `ncrs_doctor_check_ok{check}`: 1 passed, 0 failed, absent when
 * skipped or not run. Labels are check names, never URLs or identifiers.
 */
import { Gauge, type Registry } from "prom-client";
import type { DoctorReport } from "./doctor.ts";

export function doctorMetrics(registry: Registry): (report: DoctorReport) => void {
  const gauge = new Gauge({
    name: "ncrs_doctor_check_ok",
    help: "Whether the start-up doctor's check of a national service passed (1) or failed (0)",
    labelNames: ["check"],
    registers: [registry],
  });
  return (report) => {
    gauge.reset();
    for (const o of report.outcomes)
      if (o.status !== "skip") gauge.set({ check: o.name }, o.status === "pass" ? 1 : 0);
  };
}
