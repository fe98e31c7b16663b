import { BackendUnavailableError, type FeatureStoreError } from "../core/errors.js";
import type { EntityPage, EntityPageQuery } from "./entity-page.js";
import type { AsOfEntry, AsOfRow, EntryKey, EntryWrite, HISTORY_TRIMMED, StoredEntry } from "./entry.js";
import type { FeatureSummary, SummaryRequest } from "./feature-summary.js";
import type { HistoryPageQuery } from "./history-page.js";

/**
 * What a backend promises beyond the primitives every backend has. The core reads these instead
 * of asking which class it holds, and the conformance suite tests each backend against what it
 * declares.
 */
export interface BackendCapabilities {
  /**
   * Whether one {@link StoreBackend.appendEntries} call lands all or nothing when it writes to
   * several entities. The writes of one entity are always atomic together.
   */
  readonly atomicAcrossEntities: boolean;
  /**
   * The most entries kept per (feature, entity) key: older ones are trimmed on write (their
   * versions are not reused). `null` when every entry is kept.
   */
  readonly historyRetention: number | null;
  /** Whether an acknowledged write survives the process (or server) being killed. */
  readonly durable: boolean;
  /** Whether several processes can open the same data at once (and so run replicas). */
  readonly sharedAcrossProcesses: boolean;
  /**
   * Whether the backend runs in this process and never waits on a network: the core then sets
   * no timer around its calls (one could not fire while a synchronous call runs anyway).
   */
  readonly inProcess: boolean;
}

/** What {@link StoreBackend.scanCurrent} found. */
export interface CurrentScan {
  /** Current entries holding a value (deletion markers left out), at most one per entity. */
  readonly entries: StoredEntry[];
  /**
   * True when `entries` holds the current value of every entity that has one; false when the
   * bound stopped the scan first, and `entries` is a sample of them.
   */
  readonly complete: boolean;
}

/** What a catalog record describes. */
export type CatalogKind = "feature" | "group" | "transform";

/**
 * One versioned entry of the catalog: a definition, a group. The body is the core's canonical
 * encoding, so two records say the same exactly when their bodies are equal strings.
 */
export interface CatalogRecord {
  readonly kind: CatalogKind;
  readonly name: string;
  /** 1 for the first record of a (kind, name), one more for each later one. */
  readonly version: number;
  readonly body: string;
}

/**
 * The contract between the core and a backend. The core ({@link FeatureStore}) does all
 * validation, typing, defaults, TTL, caching, timeouts and assembly; a backend moves encoded
 * entries and catalog records, and must keep the guarantees written on each method.
 *
 * Every method but {@link translateError} may be async and may throw the driver's own errors;
 * the core translates them with {@link translateError}. A backend never needs to validate names,
 * ids or values: it only sees what the core has checked.
 *
 * A third party implements this interface, describes it with a `BackendDescriptor`, registers
 * it with `registerBackend`, and runs the exported conformance suite (`featurestore/testing`)
 * against it.
 */
export interface StoreBackend {
  /** A short name, such as `sqlite`, for logs and health. */
  readonly name: string;
  /** What this backend guarantees. */
  readonly capabilities: BackendCapabilities;

  /** Connects and creates or migrates the schema. Called once before anything else. */
  connect(): Promise<void>;
  /** Releases every resource. Called once; also after a failed {@link connect}. */
  disconnect(): Promise<void>;
  /** Resolves when the backend answers. */
  ping(): Promise<void>;
  /** Turns a driver error into the store's own: BACKEND_UNAVAILABLE unless the backend knows better. */
  translateError(err: unknown): FeatureStoreError;

  /**
   * Stores catalog records in one atomic step: each record whose (kind, name, version) is free
   * is stored, unless one of them is taken by a record with a different body, in which case
   * nothing at all is stored. Returns, in input order, the body stored under each key now: the
   * given one, the one found, or `null` for a free key when nothing was stored. So concurrent
   * commits of conflicting records (from any number of processes) leave exactly one of them
   * stored, and the others learn which.
   */
  commitCatalog(records: readonly CatalogRecord[]): Promise<(string | null)[]>;
  /**
   * Every version of the catalog records of one kind, with these names (all names when omitted);
   * names without a record are left out. Any order.
   */
  loadCatalog(kind: CatalogKind, names?: readonly string[]): Promise<CatalogRecord[]>;

  /**
   * Appends entries, assigning each the next version of its key (1, 2, ... without gap or repeat,
   * whatever other processes write at once); returns the versions in input order. A key may occur
   * more than once. Atomic per entity always, and across entities when
   * {@link BackendCapabilities.atomicAcrossEntities} says so.
   *
   * A deletion marker (payload `null`) is appended only when the key's current entry, at that
   * moment inside the same atomic step, is a live value; otherwise nothing is written for it and
   * its version is 0. So two concurrent deletions of one value write one marker.
   */
  appendEntries(writes: readonly EntryWrite[]): Promise<number[]>;
  /**
   * The current entry (see `supersedes`) of every (entity, feature) pair, entity-major:
   * index `e * featureNames.length + f`; `undefined` where the key has no entry. One round trip.
   */
  readCurrent(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<(StoredEntry | undefined)[]>;
  /** The entry with exactly this version (any positive safe integer), if kept. */
  readVersion(key: EntryKey, version: number): Promise<StoredEntry | undefined>;
  /**
   * Reads as of a time, for many rows at once: for every (row, feature) pair, row-major (index
   * `r * featureNames.length + f`), the entry of that key with the greatest event time <=
   * `row.asOfMs`, ties broken by the higher version (deletion markers included); `undefined`
   * where there is none. A backend that trims history answers {@link HISTORY_TRIMMED} rather
   * than an older entry when a trimmed one could have been the answer.
   *
   * This one primitive serves single reads as of a time, vectors as of a time, current reads of
   * keys whose current entry is dated ahead, and every chunk of a training set, so it must cost a
   * bounded number of round trips per call (one query, one pipeline), never one per row. Rows may
   * repeat an entity, at the same or other times, in any order. Rows of one entity touch only that
   * entity's data, so a backend sharded by entity can answer each entity's rows in one place.
   */
  readAsOf(rows: readonly AsOfRow[], featureNames: readonly string[]): Promise<AsOfEntry[]>;
  /** Every kept entry of the key in version order, deletion markers included. */
  readHistory(key: EntryKey): Promise<StoredEntry[]>;
  /**
   * The current entries of one feature across entities, for computing statistics of its values
   * (fitting a transform's parameters): those holding a value, expired or not, deletion markers
   * left out. Bounded: at most `limit` entries, and a backend that cannot select a feature's
   * entities by an index may stop after looking at `limit` entities; either way `complete` is
   * false when some entity's value may be missing. Which entities a bounded answer covers is
   * the backend's choice (the SQL backends: the first ones in entity id order).
   */
  scanCurrent(featureName: string, limit: number): Promise<CurrentScan>;
  /**
   * Statistics of one feature, computed where the data is: counts of the entries in force at
   * `request.nowMs` (live, expired, deleted), the most frequent live payloads, a numeric summary
   * with histogram of a measure of the live values, the first and last event time of the kept
   * history, and its entries per time bucket. See {@link SummaryRequest} and
   * {@link FeatureSummary} for each figure; `summarizeInForce` (in `feature-summary.ts`) is the
   * reference, which memory and Redis use as is. SQL backends answer with aggregate queries
   * over indexes of (feature, entity) and (feature, event time), exactly; a backend without an
   * index of a feature's entities may stop after `request.scanLimit` entities and answer
   * `complete: false`.
   */
  summarizeFeature(request: SummaryRequest): Promise<FeatureSummary>;
  /**
   * One page of entity ids in code point order (see `compareCodePoints`), after `query.after`:
   * keyset paging, so a page never repeats or skips an id that exists throughout. SQL backends
   * walk an index; a backend without a sorted index of ids may stop after `query.scanLimit`
   * entities and answer `complete: false`.
   */
  listEntities(query: EntityPageQuery): Promise<EntityPage>;
  /**
   * One page of a key's kept values (deletion markers left out) ordered by (event time,
   * version), ascending or descending, strictly after `query.after`: keyset paging over the
   * (feature, entity, event time) index.
   */
  readHistoryPage(key: EntryKey, query: HistoryPageQuery): Promise<StoredEntry[]>;
}

/**
 * The translation every backend falls back on for an error it has nothing more to say about:
 * BACKEND_UNAVAILABLE, naming the backend and keeping the driver's words (clients see neither;
 * the log does).
 */
export function backendFailed(backend: string, err: unknown): FeatureStoreError {
  const message = err instanceof Error ? err.message : String(err);
  return new BackendUnavailableError(`${backend} backend failed: ${message}`, { backend }, { cause: err });
}
