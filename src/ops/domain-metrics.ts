/**
 * Metrics that follow the domain events: sign-ins, failures by code, sessions by authenticator and
 * end reason, back-channel logouts by outcome, and active sessions. Labels are codes and kinds,
 * never identifiers.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Events } from "../domain-events.ts";

export function subscribeDomainMetrics(
  events: Events,
  registry: Registry,
  countActiveSessions: () => Promise<number>,
): void {
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const signInStarted = counter("ncrs_sign_in_started_total", "Sign-ins started", ["purpose"]);
  const signInFailed = counter("ncrs_sign_in_failed_total", "Sign-ins that failed, by error code and step", [
    "code",
    "step",
  ]);
  const sessionsStarted = counter(
    "ncrs_sessions_started_total",
    "Sessions started, by authenticator and device profile",
    ["authenticator", "profile"],
  );
  const sessionsEnded = counter("ncrs_sessions_ended_total", "Sessions ended, by reason", ["reason"]);
  const backchannel = counter("ncrs_backchannel_logout_total", "Back-channel logout requests, by outcome", [
    "outcome",
    "code",
  ]);

  new Gauge({
    name: "ncrs_sessions_active",
    help: "Sessions currently active",
    registers: [registry],
    async collect() {
      this.set(await countActiveSessions());
    },
  });

  events.on("sign_in.started", (e) => void signInStarted.inc({ purpose: e.purpose }));
  events.on("sign_in.failed", (e) => void signInFailed.inc({ code: e.code, step: e.step }));
  events.on(
    "session.started",
    (e) => void sessionsStarted.inc({ authenticator: e.authenticator, profile: e.deviceProfile }),
  );
  events.on("session.ended", (e) => void sessionsEnded.inc({ reason: e.reason }));
  events.on(
    "backchannel_logout.received",
    (e) => void backchannel.inc({ outcome: e.outcome, code: e.code ?? "none" }),
  );

  const selected = counter("ncrs_patients_selected_total", "Patients selected");
  const verified = counter("ncrs_patient_verifications_total", "NHS numbers verified against PDS", [
    "updated_local",
  ]);
  const failed = counter(
    "ncrs_patient_verification_failures_total",
    "Checks that did not verify, by outcome",
    ["outcome"],
  );
  const rekeyed = counter("ncrs_patients_rekeyed_total", "Local records moved to a surviving NHS number");
  events.on("patient.selected", () => void selected.inc());
  events.on("patient.verified", (e) => void verified.inc({ updated_local: String(e.updatedLocalDetails) }));
  events.on("patient.verification_failed", (e) => void failed.inc({ outcome: e.outcome }));
  events.on("patient.rekeyed", () => void rekeyed.inc());

  const auditReads = counter("ncrs_audit_reads_total", "Audit trail reads by support staff, by view", [
    "view",
  ]);
  const auditExports = counter("ncrs_audit_exports_total", "FHIR AuditEvent exports started");
  const auditPruned = counter("ncrs_audit_pruned_records_total", "Audit records archived and pruned");
  events.on("audit.searched", (e) => void auditReads.inc({ view: e.view }));
  events.on("audit.exported", () => void auditExports.inc());
  events.on("audit.pruned", (e) => void auditPruned.inc(e.records));
}

/** PDS calls by outcome, with latency: tells "we are slow" from "PDS is slow". */
export function pdsCallMetrics(registry: Registry) {
  const calls = new Histogram({
    name: "ncrs_pds_call_duration_seconds",
    help: "Calls to PDS by outcome (HTTP attempts, retries included)",
    labelNames: ["outcome"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  return (event: { outcome: string; durationMs: number }) =>
    calls.observe({ outcome: event.outcome }, event.durationMs / 1000);
}

/** Calls to CIS2 (discovery, token, UserInfo) by outcome: a slow sign-in is CIS2's or ours. */
export function cis2CallMetrics(registry: Registry) {
  const calls = new Histogram({
    name: "ncrs_cis2_call_duration_seconds",
    help: "Calls to CIS2 by call (discovery, token, userinfo) and outcome (ok or our error code)",
    labelNames: ["call", "outcome"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  return (event: { call: string; outcome: string; durationMs: number }) =>
    calls.observe({ call: event.call, outcome: event.outcome }, event.durationMs / 1000);
}

/** Calls to the EHRs that launch us (discovery, token, FHIR reads), per EHR: a slow launch is the EHR's or ours. */
export function smartEhrCallMetrics(registry: Registry) {
  const calls = new Histogram({
    name: "ncrs_smart_ehr_call_duration_seconds",
    help: "Calls to SMART EHRs by EHR (our id), call (discovery, token, fhir_read) and outcome (ok or our problem code)",
    labelNames: ["ehr", "call", "outcome"],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  return (event: { ehrId: string; call: string; outcome: string; durationMs: number }) =>
    calls.observe({ ehr: event.ehrId, call: event.call, outcome: event.outcome }, event.durationMs / 1000);
}

/**
 * Audit group commits: records per commit and commit latency, so a slow disk or a contended
 * chain head shows up before clinicians feel it.
 */
export function auditCommitMetrics(registry: Registry) {
  const records = new Counter({
    name: "ncrs_audit_records_total",
    help: "Audit records durably appended",
    registers: [registry],
  });
  const batch = new Histogram({
    name: "ncrs_audit_batch_records",
    help: "Audit records per group commit",
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "ncrs_audit_commit_duration_seconds",
    help: "Time to seal and durably commit one batch of audit records",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  return (commit: { records: number; durationMs: number }) => {
    records.inc(commit.records);
    batch.observe(commit.records);
    latency.observe(commit.durationMs / 1000);
  };
}
