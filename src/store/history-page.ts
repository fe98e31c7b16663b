import type { StoredEntry } from "./entry.js";

/** A position in a key's history ordered by (event time, version). */
export interface HistoryPosition {
  readonly eventTimeMs: number;
  readonly version: number;
}

/** What {@link StoreBackend.readHistoryPage} is asked: one page of a key's values in time order. */
export interface HistoryPageQuery {
  /** Descending (newest first) instead of ascending (event time, then version). */
  readonly newestFirst: boolean;
  /** Only entries strictly after this position in the page's direction; `null`: from the start. */
  readonly after: HistoryPosition | null;
  /** The most entries to answer. */
  readonly limit: number;
}

/** -1, 0 or 1 as `a` is before, at or after `b` in ascending (event time, version) order. */
export function compareHistoryPositions(a: HistoryPosition, b: HistoryPosition): number {
  return Math.sign(a.eventTimeMs - b.eventTimeMs || a.version - b.version);
}

/**
 * The page a query asks for out of a key's kept entries (any order): values only, deletion
 * markers left out. What backends that hold a key's whole history at hand (memory, Redis, which
 * keeps a bounded number per key) answer, so they page alike.
 */
export function pageOfHistory(entries: readonly StoredEntry[], query: HistoryPageQuery): StoredEntry[] {
  const sign = query.newestFirst ? -1 : 1;
  const after = query.after;
  return entries
    .filter((e) => e.payload !== null && (after === null || sign * compareHistoryPositions(e, after) > 0))
    .sort((a, b) => sign * compareHistoryPositions(a, b))
    .slice(0, query.limit);
}
