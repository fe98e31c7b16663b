import { decodeValue } from "../core/codec.js";
import { FeatureType, ValueType } from "../core/enums.js";
import { ValidationError } from "../core/errors.js";
import type { FeatureData, NormalizedDefinition } from "../core/models.js";
import type { FeatureSummary, MeasureSummary, SummaryMeasure, SummaryRequest } from "./feature-summary.js";

/**
 * The most entities a backend without an index of a feature's entities (Redis) looks at for one
 * statistics call; past it the statistics describe a sample and say `complete: false`.
 */
export const STATISTICS_SCAN_LIMIT = 100_000;

/** Options of {@link FeatureStore.featureStatistics}; every one has a default. */
export interface StatisticsOptions {
  /** Histogram bins of the number summary, 1..100 (default 20). */
  bins?: number;
  /** How many of the most frequent values to list, 0..100 (default 10). */
  topValues?: number;
  /** Buckets of the writes over time, 1..500 (default 30). */
  writeBuckets?: number;
  /** Start of the writes window; default: the feature's first entry. */
  writesSince?: Date;
  /** End of the writes window; default: the feature's last entry. */
  writesUntil?: Date;
}

/** A number summary: count, extremes, mean, population standard deviation and a histogram. */
export interface NumberSummary {
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly stddev: number | null;
  /** Equal-width bins from min to max, the last one closed; empty when `count` is 0. */
  readonly histogram: { readonly lower: number; readonly upper: number; readonly count: number }[];
}

/** How many entities hold a value of a feature now, and how fresh it is: what a catalog shows. */
export interface FeatureCoverage {
  readonly featureName: string;
  /** Entities whose entry in force now holds a live value (served as stored). */
  readonly live: number;
  /** Entities whose value in force now is past its TTL (served the default). */
  readonly expired: number;
  /** Entities whose entry in force now is a deletion (served the default). */
  readonly deleted: number;
  /** (expired + deleted) / (live + expired + deleted); `null` when no entity has an entry. */
  readonly defaultShare: number | null;
  /** The greatest event time of any kept entry (values and deletions); `null` when none. */
  readonly lastWriteAt: Date | null;
  /** False when a bounded scan (Redis) stopped first: the counts are then of a sample. */
  readonly complete: boolean;
}

/** Statistics of a feature's values in force now (see {@link FeatureStore.featureStatistics}). */
export interface FeatureStatistics extends FeatureCoverage {
  /** The instant the statistics describe. */
  readonly computedAt: Date;
  /** Distinct live values; `null` for EMBEDDING. */
  readonly distinctValues: number | null;
  /** The most frequent live values, most frequent first, ties in code point order of their JSON. */
  readonly topValues: { readonly value: FeatureData; readonly count: number }[];
  /** BOOLEAN: the share of live values that are true; `null` otherwise or when there is none. */
  readonly trueShare: number | null;
  /** What `numbers` summarizes; `null` when nothing numeric is. */
  readonly measure: "VALUE" | "NORM" | "LENGTH" | null;
  readonly numbers: NumberSummary | null;
  /** EMBEDDING: the definition's dimension. */
  readonly dimension: number | null;
  /** TIMESTAMP INT: the earliest and latest live value as instants. */
  readonly earliest: Date | null;
  readonly latest: Date | null;
  /** Kept entries per time bucket by event time; empty when the feature has none. */
  readonly writes: {
    readonly start: Date;
    readonly end: Date;
    readonly values: number;
    readonly deletions: number;
  }[];
}

/** What a number summary of a feature is taken of, by its types; `null` when nothing numeric. */
function measureFor(def: NormalizedDefinition): SummaryMeasure | null {
  if (def.featureType === FeatureType.EMBEDDING) return "norm";
  if (def.featureType === FeatureType.NUMERIC) return "value";
  if (def.featureType === FeatureType.TIMESTAMP && def.valueType === ValueType.INT) return "value";
  if (def.valueType === ValueType.STRING) return "length";
  return null;
}

function checkedInt(
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  what: string,
): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ValidationError(`${what} must be an integer from ${min} to ${max}, not ${String(value)}`);
  }
  return n;
}

function checkedTime(time: Date | undefined, what: string): number | null {
  if (time === undefined) return null;
  const ms = time instanceof Date ? time.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new ValidationError(`${what} must be a valid Date`);
  return ms;
}

/**
 * The backend request for a feature's statistics at `nowMs`.
 * @throws ValidationError for an option out of range, or a window that ends before it starts.
 */
export function statisticsRequest(
  def: NormalizedDefinition,
  nowMs: number,
  options: StatisticsOptions,
): SummaryRequest {
  const bins = checkedInt(options.bins, 20, 1, 100, "bins");
  const topValues = checkedInt(options.topValues, 10, 0, 100, "topValues");
  const buckets = checkedInt(options.writeBuckets, 30, 1, 500, "writeBuckets");
  const fromMs = checkedTime(options.writesSince, "writesSince");
  const toMs = checkedTime(options.writesUntil, "writesUntil");
  if (fromMs !== null && toMs !== null && fromMs > toMs) {
    throw new ValidationError("writesSince must not be after writesUntil", { featureName: def.name });
  }
  const embedding = def.featureType === FeatureType.EMBEDDING;
  const boolean = def.valueType === ValueType.BOOL;
  return {
    ...coverageRequest(def, nowMs),
    measure: measureFor(def),
    bins,
    // A boolean's true share comes from its top values, so both of them are always counted.
    topValues: embedding ? 0 : boolean ? Math.max(topValues, 2) : topValues,
    writes: { fromMs, toMs, buckets },
  };
}

/** The backend request for a feature's coverage at `nowMs`: counts and times only. */
export function coverageRequest(def: NormalizedDefinition, nowMs: number): SummaryRequest {
  return {
    featureName: def.name,
    nowMs,
    liveSinceMs: def.ttlSeconds === null ? null : nowMs - def.ttlSeconds * 1000,
    measure: null,
    bins: 1,
    topValues: 0,
    writes: null,
    scanLimit: STATISTICS_SCAN_LIMIT,
  };
}

/** A feature's coverage from what the backend summarized. */
export function assembleCoverage(def: NormalizedDefinition, summary: FeatureSummary): FeatureCoverage {
  const { live, expired, deleted } = summary;
  const withEntry = live + expired + deleted;
  return {
    featureName: def.name,
    live,
    expired,
    deleted,
    defaultShare: withEntry === 0 ? null : (expired + deleted) / withEntry,
    lastWriteAt: summary.lastEventMs === null ? null : new Date(summary.lastEventMs),
    complete: summary.complete,
  };
}

/** A feature's statistics from what the backend summarized for `request`. */
export function assembleStatistics(
  def: NormalizedDefinition,
  request: SummaryRequest,
  summary: FeatureSummary,
  wantedTopValues: number,
): FeatureStatistics {
  const topValues = summary.top.map(({ payload, count }) => ({ value: decodeValue(payload), count }));
  const trueShare =
    def.valueType === ValueType.BOOL && summary.live > 0
      ? (topValues.find((t) => t.value === true)?.count ?? 0) / summary.live
      : null;
  const numbers = summary.measure && numberSummary(summary.measure);
  const timestamps = def.featureType === FeatureType.TIMESTAMP && numbers !== null;
  const writes = summary.writes;
  return {
    ...assembleCoverage(def, summary),
    computedAt: new Date(request.nowMs),
    distinctValues: summary.distinct,
    topValues: topValues.slice(0, wantedTopValues),
    trueShare,
    measure: request.measure === null ? null : (request.measure.toUpperCase() as "VALUE" | "NORM" | "LENGTH"),
    numbers,
    dimension: def.featureType === FeatureType.EMBEDDING ? def.dimension : null,
    earliest: timestamps && numbers.min !== null ? new Date(numbers.min) : null,
    latest: timestamps && numbers.max !== null ? new Date(numbers.max) : null,
    writes:
      writes === null
        ? []
        : edges(writes.fromMs, writes.toMs, writes.values.length).map(([start, end], i) => ({
            start: new Date(start),
            end: new Date(end),
            values: writes.values[i] ?? 0,
            deletions: writes.deletions[i] ?? 0,
          })),
  };
}

/** The deviation from a backend's variance; the histogram's bin edges. */
function numberSummary(m: MeasureSummary): NumberSummary {
  if (m.count === 0 || m.min === null || m.max === null || m.mean === null || m.variance === null) {
    return { count: 0, min: null, max: null, mean: null, stddev: null, histogram: [] };
  }
  return {
    count: m.count,
    min: m.min,
    max: m.max,
    mean: m.mean,
    // Rounding can leave a tiny negative variance for equal values.
    stddev: Math.sqrt(Math.max(0, m.variance)),
    // Bins of no width would all be empty but the first: one bin says the same.
    histogram:
      m.min === m.max
        ? [{ lower: m.min, upper: m.max, count: m.count }]
        : edges(m.min, m.max, m.bins.length).map(([lower, upper], i) => ({
            lower,
            upper,
            count: m.bins[i] ?? 0,
          })),
  };
}

/** The [lower, upper] edges of `n` equal-width bins over [low, high], as `binIndex` assigns them. */
function edges(low: number, high: number, n: number): [number, number][] {
  const width = (high - low) / n;
  return Array.from({ length: n }, (_, i) => [low + i * width, i === n - 1 ? high : low + (i + 1) * width]);
}
