import { decodeValue } from "../core/codec.js";
import type { FeatureData } from "../core/models.js";

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
  /**
   * `payload` decoded, when a backend keeps its entries in memory and decoded them once
   * ({@link withDecodedScalar}): only ever a scalar, immutable, so one value serves every read.
   * Absent otherwise; readers take the value through {@link entryValue}.
   */
  readonly value?: number | string | boolean;
}

/** The value of a live entry (`payload` not null): its kept {@link StoredEntry.value}, else `payload` decoded. */
export function entryValue(entry: StoredEntry): FeatureData {
  return entry.value ?? decodeValue(entry.payload as string);
}

/**
 * `entry` with its value decoded once and kept, when it is a scalar (a number, string or boolean);
 * a list, an object or a deletion marker is returned as it is, since every read must get its own
 * copy of those. For backends that hold entries in memory and read them many times.
 */
export function withDecodedScalar(entry: StoredEntry): StoredEntry {
  const payload = entry.payload;
  if (payload === null) return entry;
  const first = payload.charCodeAt(0);
  // 91 "[" and 123 "{" open a list or an object.
  if (first === 91 || first === 123) return entry;
  const value = decodeValue(payload) as number | string | boolean;
  return { version: entry.version, eventTimeMs: entry.eventTimeMs, payload, value };
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
