import type { StoredEntry } from "../entry.js";

/** Past this many cached (entity, feature) entries the cache starts over, bounding its memory. */
export const MAX_CACHED_ENTRIES = 500_000;

/**
 * This process's copy of the SQLite `current` table, filled as keys are read, so a repeated
 * vector read decodes no rows. It is correct with other connections writing because it is only
 * used under the data version it was filled at: SQLite's `PRAGMA data_version` changes whenever
 * another connection (another process, or another store on the same file) commits, and the cache
 * is then dropped whole. This connection's own commits do not change that number, so its writes
 * {@link forget} the entities they touch.
 */
export class SQLiteCurrentCache {
  /** Entity -> feature -> its current entry, or `null` when the key has none. */
  #entities = new Map<string, Map<string, StoredEntry | null>>();
  #size = 0;
  #dataVersion: number | undefined;

  /**
   * Called before every read: drops everything when another connection has committed since the
   * cache was filled, or when `room` more entries would take it past {@link MAX_CACHED_ENTRIES}.
   */
  validate(dataVersion: number, room: number): void {
    if (dataVersion !== this.#dataVersion || this.#size + room > MAX_CACHED_ENTRIES) {
      this.clear();
      this.#dataVersion = dataVersion;
    }
  }

  /** The cached entries of one entity (a feature absent from the map is not cached). */
  entity(entityId: string): Map<string, StoredEntry | null> | undefined {
    return this.#entities.get(entityId);
  }

  /** Caches what a read found for these entities and features: `found` as given, `null` for the rest. */
  fill(
    entityIds: readonly string[],
    featureNames: readonly string[],
    found: Iterable<readonly [entityId: string, featureName: string, entry: StoredEntry]>,
  ): void {
    for (const entityId of entityIds) {
      let features = this.#entities.get(entityId);
      if (!features) {
        features = new Map();
        this.#entities.set(entityId, features);
      }
      for (const name of featureNames) {
        if (!features.has(name)) this.#size++;
        features.set(name, null);
      }
    }
    for (const [entityId, featureName, entry] of found) this.#entities.get(entityId)?.set(featureName, entry);
  }

  /** Drops the entries of entities this connection writes. */
  forget(entityIds: Iterable<string>): void {
    for (const entityId of entityIds) {
      const features = this.#entities.get(entityId);
      if (features) {
        this.#size -= features.size;
        this.#entities.delete(entityId);
      }
    }
  }

  /** Drops everything. */
  clear(): void {
    this.#entities.clear();
    this.#size = 0;
  }
}
