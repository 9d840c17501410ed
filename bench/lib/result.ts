/** The one JSON line every benchmark ends with. */
export interface BenchResult {
  readonly bench: string;
  readonly value: number;
  readonly baseline: number;
  readonly ratio: number;
  readonly target: number;
  readonly pass: boolean;
  readonly unit: string;
  /** Further figures worth reporting (p99 latencies, raw rates…). */
  readonly extra?: Readonly<Record<string, number | string>>;
}

/** Builds a result; `higherIsBetter` says which side of the target passes. */
export function result(
  bench: string,
  unit: string,
  value: number,
  baseline: number,
  target: number,
  higherIsBetter: boolean,
  extra?: Record<string, number | string>,
): BenchResult {
  const ratio = Math.round((value / baseline) * 1000) / 1000;
  const pass = higherIsBetter ? ratio >= target : ratio <= target;
  return {
    bench,
    value: round(value),
    baseline: round(baseline),
    ratio,
    target,
    pass,
    unit,
    ...(extra ? { extra } : {}),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
