/** Refusals of requests nobody is signed in for: how many, by channel and code, and how many were limited. */
import { Counter, type Registry } from "prom-client";

export interface RefusalMetrics {
  refused(channel: string, code: string): void;
  limited(channel: string): void;
}

export function refusalMetrics(registry: Registry): RefusalMetrics {
  const refused = new Counter({
    name: "ncrs_anonymous_refusals_total",
    help: "Refusals of requests nobody was signed in for (counted, then written as one audit record per period), by channel and error code",
    labelNames: ["channel", "code"],
    registers: [registry],
  });
  const limited = new Counter({
    name: "ncrs_anonymous_refusals_limited_total",
    help: "Requests answered 429 because their client address had too many anonymous refusals this minute, by channel",
    labelNames: ["channel"],
    registers: [registry],
  });
  return {
    refused: (channel, code) => refused.inc({ channel, code }),
    limited: (channel) => limited.inc({ channel }),
  };
}
