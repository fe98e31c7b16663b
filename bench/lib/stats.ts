/** What a timed run produced: every call's latency and the wall time of the whole run. */
export interface Samples {
  /** Latency of each call, in nanoseconds, in completion order. */
  readonly latenciesNs: readonly number[];
  /** Wall time from the first call's start to the last call's end, in nanoseconds. */
  readonly wallNs: number;
}

/** A timed run reduced to the figures a results table shows. */
export interface Summary {
  /** Calls measured. */
  readonly count: number;
  /** Calls completed per second of wall time (with concurrency, more than 1 / mean latency). */
  readonly opsPerSec: number;
  /** Median latency of one call, in nanoseconds. */
  readonly p50Ns: number;
  /** 99th-percentile latency of one call, in nanoseconds. */
  readonly p99Ns: number;
}

/**
 * The `q` quantile (0..1) of ascending `sorted` by nearest rank: always a latency that was
 * actually observed, never an interpolation between two. With fewer than 100 samples p99 is the maximum.
 */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Throughput and latency percentiles of a timed run. */
export function summarize(samples: Samples): Summary {
  const sorted = Float64Array.from(samples.latenciesNs).sort();
  return {
    count: sorted.length,
    opsPerSec: samples.wallNs > 0 ? (sorted.length * 1e9) / samples.wallNs : Number.NaN,
    p50Ns: percentile(sorted, 0.5),
    p99Ns: percentile(sorted, 0.99),
  };
}
