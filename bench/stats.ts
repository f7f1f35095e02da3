/** Small statistics for the benchmark. */

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export interface Timing {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Calls/s over the wall time, and latency percentiles (ms). */
export function summarize(latencies: readonly number[], wallMs: number): Timing {
  return {
    count: latencies.length,
    perSecond: latencies.length / (wallMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
