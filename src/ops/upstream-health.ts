/**
 * How each national service is doing, told from the calls this instance makes anyway (never by
 * probing them): the last call's result, when the last call went well, when one last failed and
 * with which of our error codes. Shown on the service status page and exported as
 * `ncrs_upstream_up{service}`. An answer that refuses the request (an ID token that fails our
 * checks, a PDS record not found) is the service working; a time-out, a 5xx or an answer we cannot
 * read is it failing.
 */
import { Gauge, type Registry } from "prom-client";

export type UpstreamService = "cis2" | "pds";
export type UpstreamState = "ok" | "failing" | "unknown";

export interface UpstreamStatus {
  readonly service: UpstreamService;
  readonly state: UpstreamState;
  readonly lastOkAt: Date | null;
  readonly lastFailureAt: Date | null;
  readonly lastFailureCode: string | null;
}

/** Results of CIS2 calls that mean CIS2 itself did not answer properly. */
const CIS2_FAILURES = new Set([
  "sign_in.cis2_unavailable",
  "sign_in.cis2_error",
  "sign_in.client_rejected",
  "error",
]);
/** Results of PDS calls that mean PDS (or our access to it) is not working. */
const PDS_FAILURES = new Set([
  "access_denied",
  "rate_limited",
  "unavailable",
  "timeout",
  "network_error",
  "bad_response",
  "circuit_open",
]);

export class UpstreamHealth {
  readonly #now: () => Date;
  readonly #status = new Map<UpstreamService, UpstreamStatus>();

  constructor(registry: Registry, now: () => Date = () => new Date()) {
    this.#now = now;
    const health = this;
    new Gauge({
      name: "ncrs_upstream_up",
      help: "Whether the last call this instance made to a national service worked (1) or failed (0); absent until one is made",
      labelNames: ["service"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of health.snapshot())
          if (s.state !== "unknown") this.set({ service: s.service }, s.state === "ok" ? 1 : 0);
      },
    });
  }

  /** Observer for CIS2 calls (outcome: ok, or our error code). */
  readonly cis2 = (call: { outcome: string }): void =>
    this.#record("cis2", !CIS2_FAILURES.has(call.outcome), call.outcome);

  /** Observer for PDS calls (outcome: the attempt's outcome). */
  readonly pds = (call: { outcome: string }): void =>
    this.#record("pds", !PDS_FAILURES.has(call.outcome), call.outcome);

  snapshot(): readonly UpstreamStatus[] {
    return (["cis2", "pds"] as const).map(
      (service) =>
        this.#status.get(service) ?? {
          service,
          state: "unknown",
          lastOkAt: null,
          lastFailureAt: null,
          lastFailureCode: null,
        },
    );
  }

  #record(service: UpstreamService, ok: boolean, outcome: string): void {
    const at = this.#now();
    const previous = this.#status.get(service);
    this.#status.set(service, {
      service,
      state: ok ? "ok" : "failing",
      lastOkAt: ok ? at : (previous?.lastOkAt ?? null),
      lastFailureAt: ok ? (previous?.lastFailureAt ?? null) : at,
      lastFailureCode: ok ? (previous?.lastFailureCode ?? null) : outcome,
    });
  }
}
