/**
 * Counters over the Patient API traffic, read through `GET /_sim/stats`: how many requests
 * arrived, per requested NHS number, how many the rate limit refused, and the busiest second.
 */
import { PeakRate } from "./rate-limit.ts";

export interface TrafficSnapshot {
  requests: number;
  byNhsNumber: Record<string, number>;
  peakRatePerSecond: number;
  rateLimited: number;
}

export class TrafficStats {
  #requests = 0;
  #byNhsNumber = new Map<string, number>();
  #rateLimited = 0;
  readonly #peak = new PeakRate();

  /** Counts an arriving Patient request (before any check), with the NHS number it reads if any. */
  arrived(now: number, nhsNumber: string | undefined): void {
    this.#requests++;
    this.#peak.record(now);
    if (nhsNumber !== undefined)
      this.#byNhsNumber.set(nhsNumber, (this.#byNhsNumber.get(nhsNumber) ?? 0) + 1);
  }

  /** Counts a request the rate limit refused. */
  rateLimited(): void {
    this.#rateLimited++;
  }

  snapshot(): TrafficSnapshot {
    return {
      requests: this.#requests,
      byNhsNumber: Object.fromEntries(this.#byNhsNumber),
      peakRatePerSecond: this.#peak.peak,
      rateLimited: this.#rateLimited,
    };
  }

  reset(): void {
    this.#requests = 0;
    this.#byNhsNumber.clear();
    this.#rateLimited = 0;
    this.#peak.reset();
  }
}
