import { compareCodePoints } from "./code-point-order.js";
import type { StoredEntry } from "./entry.js";

/**
 * What a number summary is taken of: the value itself (NUMERIC, TIMESTAMP INT), an embedding's
 * L2 norm, or a string's length in Unicode code points.
 */
export type SummaryMeasure = "value" | "norm" | "length";

/**
 * What {@link StoreBackend.summarizeFeature} is asked: aggregates over the entries of one feature
 * in force at `nowMs` (per entity the entry with the greatest event time at or before it, ties
 * to the higher version), plus counts of its kept history per time bucket.
 */
export interface SummaryRequest {
  readonly featureName: string;
  /** The instant the entries in force are taken at; an entry dated after it is not in force yet. */
  readonly nowMs: number;
  /**
   * A value in force dated before this instant is expired (TTL judged at `nowMs`); `null` when
   * the feature has no TTL.
   */
  readonly liveSinceMs: number | null;
  /** What to summarize numerically over live values; `null`: nothing (`measure` is then null). */
  readonly measure: SummaryMeasure | null;
  /** Equal-width histogram bins of the measure, at least 1 when `measure` is set. */
  readonly bins: number;
  /** How many of the most frequent live payloads to list; 0 lists none and skips `distinct`. */
  readonly topValues: number;
  /**
   * Counts of kept entries by event time: `buckets` equal buckets over [`fromMs`, `toMs`]
   * (`null` ends default to the first and last event time of the feature). `null`: none.
   */
  readonly writes: {
    readonly fromMs: number | null;
    readonly toMs: number | null;
    readonly buckets: number;
  } | null;
  /**
   * For a backend without an index of a feature's entities (Redis): the most entities it may
   * look at; it then answers `complete: false`. Backends with such an index ignore it.
   */
  readonly scanLimit: number;
}

/** A numeric summary as a backend computes it. */
export interface MeasureSummary {
  readonly count: number;
  /** `null` when `count` is 0 (so are `mean` and `variance`). */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /**
   * The population variance, computed stably (two passes, or PostgreSQL's `var_pop`): a sum of
   * squares less the squared sum loses every digit for values such as epoch milliseconds.
   */
  readonly variance: number | null;
  /**
   * Counts per bin (`request.bins` of them, empty when `count` is 0): bin {@link binIndex} of
   * each value over [`min`, `max`].
   */
  readonly bins: number[];
}

/** What {@link StoreBackend.summarizeFeature} answers. */
export interface FeatureSummary {
  /** False when `scanLimit` stopped the backend before it saw every entity. */
  readonly complete: boolean;
  /** Entities whose entry in force holds a value dated at or after `liveSinceMs`. */
  readonly live: number;
  /** Entities whose entry in force holds a value dated before `liveSinceMs`. */
  readonly expired: number;
  /** Entities whose entry in force is a deletion marker. */
  readonly deleted: number;
  /** The least and greatest event time of any kept entry (values and markers); `null` when none. */
  readonly firstEventMs: number | null;
  readonly lastEventMs: number | null;
  /** Distinct live payloads; `null` when `topValues` was 0. */
  readonly distinct: number | null;
  /** The `topValues` most frequent live payloads, most frequent first, ties in ascending payload order. */
  readonly top: { readonly payload: string; readonly count: number }[];
  /** `null` when no measure was asked for. */
  readonly measure: MeasureSummary | null;
  /** `null` when no writes were asked for, or the feature has no entry and no window was given. */
  readonly writes: {
    readonly fromMs: number;
    readonly toMs: number;
    /** Value entries per bucket ({@link binIndex} of the event time over [fromMs, toMs]). */
    readonly values: number[];
    /** Deletion markers per bucket. */
    readonly deletions: number[];
  } | null;
}

/**
 * The bin of `x` among `bins` equal-width bins over [`low`, `high`]: `floor((x - low) / width)`
 * with `width = (high - low) / bins`, the last bin closed at `high`; everything in bin 0 when
 * `high = low`. SQL backends compute the same expression, so every backend bins alike.
 */
export function binIndex(x: number, low: number, high: number, bins: number): number {
  const width = (high - low) / bins;
  if (width === 0) return 0;
  return Math.min(bins - 1, Math.floor((x - low) / width));
}

/**
 * The summary of one feature from its entries in force and its kept history's event times,
 * computed in one pass: what the backends without SQL (memory, Redis) answer, so they answer
 * alike. `inForce` holds at most one entry per entity; `history` every kept entry's event time
 * and whether it is a deletion marker.
 */
export function summarizeInForce(
  request: SummaryRequest,
  inForce: Iterable<StoredEntry>,
  history: Iterable<{ readonly eventTimeMs: number; readonly deletion: boolean }>,
  complete: boolean,
): FeatureSummary {
  let live = 0;
  let expired = 0;
  let deleted = 0;
  const livePayloads: string[] = [];
  for (const entry of inForce) {
    if (entry.payload === null) deleted++;
    else if (request.liveSinceMs !== null && entry.eventTimeMs < request.liveSinceMs) expired++;
    else {
      live++;
      livePayloads.push(entry.payload);
    }
  }
  const events = [...history];
  let firstEventMs: number | null = null;
  let lastEventMs: number | null = null;
  for (const { eventTimeMs } of events) {
    if (firstEventMs === null || eventTimeMs < firstEventMs) firstEventMs = eventTimeMs;
    if (lastEventMs === null || eventTimeMs > lastEventMs) lastEventMs = eventTimeMs;
  }
  return {
    complete,
    live,
    expired,
    deleted,
    firstEventMs,
    lastEventMs,
    ...topPayloads(livePayloads, request.topValues),
    measure:
      request.measure === null
        ? null
        : summarizeMeasure(livePayloads.map(measureOf(request.measure)), request.bins),
    writes: countWrites(request, events, firstEventMs, lastEventMs),
  };
}

function topPayloads(payloads: readonly string[], k: number): Pick<FeatureSummary, "distinct" | "top"> {
  if (k === 0) return { distinct: null, top: [] };
  const counts = new Map<string, number>();
  for (const p of payloads) counts.set(p, (counts.get(p) ?? 0) + 1);
  const top = [...counts]
    .map(([payload, count]) => ({ payload, count }))
    .sort((a, b) => b.count - a.count || compareCodePoints(a.payload, b.payload))
    .slice(0, k);
  return { distinct: counts.size, top };
}

/** The measure of one stored payload (the codec's JSON text). */
function measureOf(measure: SummaryMeasure): (payload: string) => number {
  switch (measure) {
    case "value":
      return Number;
    case "norm":
      return (payload) => {
        let sum = 0;
        for (const x of JSON.parse(payload) as number[]) sum += x * x;
        return Math.sqrt(sum);
      };
    case "length":
      return (payload) => [...(JSON.parse(payload) as string)].length;
  }
}

function summarizeMeasure(values: readonly number[], bins: number): MeasureSummary {
  if (values.length === 0) return { count: 0, min: null, max: null, mean: null, variance: null, bins: [] };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const x of values) {
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const x of values) squares += (x - mean) * (x - mean);
  const counts = new Array<number>(bins).fill(0);
  for (const x of values) increment(counts, binIndex(x, min, max, bins));
  return { count: values.length, min, max, mean, variance: squares / values.length, bins: counts };
}

function countWrites(
  request: SummaryRequest,
  events: readonly { readonly eventTimeMs: number; readonly deletion: boolean }[],
  firstEventMs: number | null,
  lastEventMs: number | null,
): FeatureSummary["writes"] {
  if (request.writes === null) return null;
  const fromMs = request.writes.fromMs ?? firstEventMs;
  const toMs = request.writes.toMs ?? lastEventMs;
  if (fromMs === null || toMs === null) return null;
  const { buckets } = request.writes;
  const values = new Array<number>(buckets).fill(0);
  const deletions = new Array<number>(buckets).fill(0);
  for (const { eventTimeMs, deletion } of events) {
    if (eventTimeMs < fromMs || eventTimeMs > toMs) continue;
    increment(deletion ? deletions : values, binIndex(eventTimeMs, fromMs, toMs, buckets));
  }
  return { fromMs, toMs, values, deletions };
}

function increment(counts: number[], i: number): void {
  counts[i] = (counts[i] ?? 0) + 1;
}
