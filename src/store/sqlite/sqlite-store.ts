import { FeatureStore, type StoreOptions } from "../feature-store.js";
import { SQLiteBackend, type SQLiteBackendOptions } from "./sqlite-backend.js";

/** Options of {@link SQLiteFeatureStore}. */
export interface SQLiteStoreOptions extends StoreOptions, SQLiteBackendOptions {}

/**
 * A feature store in one SQLite file: the embedded, durable default. The same as
 * `openStore("sqlite://<path>")`; see the SQLite backend for its guarantees.
 *
 * @example
 * ```ts
 * import { SQLiteFeatureStore } from "featurestore/sqlite";
 * const store = await new SQLiteFeatureStore("data/features.db").open();
 * ```
 */
export class SQLiteFeatureStore extends FeatureStore {
  /**
   * @param path a file path (its folder is created if missing), or `:memory:`.
   */
  constructor(
    readonly path: string,
    options: SQLiteStoreOptions = {},
  ) {
    super(new SQLiteBackend(path, options), options);
  }
}
