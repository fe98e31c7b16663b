import type pg from "pg";
import { FeatureStore, type StoreOptions } from "../feature-store.js";
import { PostgresBackend, type PostgresBackendOptions } from "./postgres-backend.js";
import { parsePostgresUrl } from "./postgres-url.js";

/** Options of {@link PostgresFeatureStore}. */
export interface PostgresStoreOptions
  extends StoreOptions,
    Omit<PostgresBackendOptions, "operationTimeoutMs"> {}

/** The options {@link PostgresFeatureStore.fromUrl} takes besides the URL. */
export type PostgresUrlOptions = Omit<PostgresStoreOptions, "connection">;

/**
 * A feature store in PostgreSQL, shared by any number of processes: the same as
 * `openStore("postgres://...")`. See the PostgreSQL backend for its tables and guarantees.
 *
 * @example
 * ```ts
 * import { PostgresFeatureStore } from "featurestore/postgres";
 * const store = await PostgresFeatureStore.fromUrl("postgres://app@db:5432/features?namespace=prod").open();
 * ```
 */
export class PostgresFeatureStore extends FeatureStore {
  /** The PostgreSQL namespace (the schema is `featurestore_<namespace>`). */
  readonly namespace: string;
  /** Where the store connects, as given (without the store's own URL parameters). */
  readonly connection: string | pg.PoolConfig;

  /** @throws ConfigurationError for an invalid namespace or pool size. */
  constructor(options: PostgresStoreOptions) {
    const backend = new PostgresBackend({
      ...options,
      operationTimeoutMs: options.operationTimeoutMs ?? 5000,
    });
    super(backend, options);
    this.namespace = backend.namespace;
    this.connection = backend.connection;
  }

  /**
   * A store for `postgres://user:password@host:port/database?namespace=x`; the scheme
   * `postgresql://` works too. `namespace` and `pool_size` are read from the query string (the
   * options win), the rest of it goes to node-postgres (`application_name`, `sslmode`, ...).
   * The store is not opened yet; call `open()`.
   * @throws ConfigurationError for a URL that is not `postgres(ql)://` or a bad namespace.
   */
  static fromUrl(url: string, options: PostgresUrlOptions = {}): PostgresFeatureStore {
    const parsed = parsePostgresUrl(url);
    return new PostgresFeatureStore({
      ...options,
      namespace: options.namespace ?? parsed.namespace,
      poolSize: options.poolSize ?? parsed.poolSize,
      connection: parsed.connection,
    });
  }
}
