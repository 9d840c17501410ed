/**
 * The start-up doctor (group "Start-up doctor"): whether it runs when the service starts, and how
 * long each of its checks may take. `npm run cli -- doctor` runs it on demand (docs/adr/0021).
 */
import { z } from "zod";
import { positiveInt, setting } from "./setting.ts";

export const DOCTOR_AT_START = ["auto", "always", "never"] as const;

export const doctorSettings = {
  doctorAtStart: setting({
    env: "DOCTOR_AT_START",
    group: "Start-up doctor",
    schema: z.enum(DOCTOR_AT_START),
    default: "auto",
    description:
      "Run the doctor's checks of every configured national service once the service listens, and log one line per check (failures as errors, with the fix) and `ncrs_doctor_check_ok{check}`. It never stops the service nor makes it unready: an outage must not take every instance out. `auto`: only when DEV_SIMULATED_SERVICES is empty (a profile without simulators, such as INT); `always`; `never`.",
  }),
  doctorTimeoutMs: setting({
    env: "DOCTOR_TIMEOUT_MS",
    group: "Start-up doctor",
    schema: positiveInt,
    default: "5000",
    description: "Time limit of each request a doctor's check makes.",
  }),
  doctorPdsTestPatient: setting({
    env: "DOCTOR_PDS_TEST_PATIENT",
    group: "Start-up doctor",
    schema: z
      .string()
      .regex(/^\d{10}$/, "ten digits")
      .optional(),
    description:
      "A known test patient's NHS number (INT test data, never a real patient's) that the doctor reads from PDS (`GET /Patient/{id}`) instead of PDS's `metadata`, proving the access token is accepted for patient reads. Never printed.",
  }),
} as const;

/** Whether the doctor runs at start with this configuration. */
export function doctorRunsAtStart(c: {
  readonly doctorAtStart: (typeof DOCTOR_AT_START)[number];
  readonly simulatedServices: readonly string[];
}): boolean {
  if (c.doctorAtStart === "auto") return c.simulatedServices.length === 0;
  return c.doctorAtStart === "always";
}
