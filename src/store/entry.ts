/**
 * The stored form every backend reads and writes: one history entry of one
 * (feature, entity) key. Backends see only these; typing, defaults and TTL live in the base class.
 */
export interface StoredEntry {
  /** 1-based, gap-free per key. */
  readonly version: number;
  /** Event time in epoch milliseconds (UTC). */
  readonly eventTimeMs: number;
  /** The value as written by the codec, or `null` for a deletion marker (a tombstone). */
  readonly payload: string | null;
}

/** A (feature, entity) key. */
export interface EntryKey {
  readonly featureName: string;
  readonly entityId: string;
}

/**
 * One entry to append; the backend assigns its version. A deletion marker (payload `null`) is
 * conditional: it is written only when the key's current entry is a live value.
 */
export interface EntryWrite extends EntryKey {
  readonly payload: string | null;
  readonly eventTimeMs: number;
}

/**
 * True when `a` supersedes `b` as a key's current entry: the later event time wins, and on a tie
 * the higher version. Every backend keeps its "current" pointer by this one rule.
 */
export function supersedes(a: StoredEntry, b: StoredEntry | undefined): boolean {
  return (
    b === undefined ||
    a.eventTimeMs > b.eventTimeMs ||
    (a.eventTimeMs === b.eventTimeMs && a.version > b.version)
  );
}

/**
 * One row of an as-of read: an entity and the instant to read it at. Training sets send many
 * rows of one entity at different instants, so a row is not an entity.
 */
export interface AsOfRow {
  readonly entityId: string;
  /** Epoch milliseconds (UTC). */
  readonly asOfMs: number;
}

/**
 * What a backend that trims history answers when a trimmed entry could have been the answer of an
 * as-of read: the true answer is unknown, which is not the same as "there was no value".
 */
export const HISTORY_TRIMMED = "trimmed";

/** The answer of an as-of read for one (row, feature): the entry, nothing, or unknown. */
export type AsOfEntry = StoredEntry | typeof HISTORY_TRIMMED | undefined;
