import type { RedisOptions } from "ioredis";
import { FeatureStore, type StoreOptions } from "../feature-store.js";
import { RedisBackend, type RedisBackendOptions } from "./redis-backend.js";
import { parseRedisUrl } from "./redis-url.js";

/** Options of {@link RedisFeatureStore}. */
export interface RedisStoreOptions extends StoreOptions, Omit<RedisBackendOptions, "connectTimeoutMs"> {}

/**
 * A feature store in Redis, for many processes sharing one server: the same as
 * `openStore("redis://...")`. See the Redis backend for the key layout and its guarantees.
 *
 * @example
 * ```ts
 * import { RedisFeatureStore } from "featurestore/redis";
 * const store = await RedisFeatureStore.fromUrl("redis://127.0.0.1:6379/0?namespace=prod").open();
 * ```
 */
export class RedisFeatureStore extends FeatureStore {
  /** The namespace this store reads and writes. */
  readonly namespace: string;
  /** History entries kept per key. */
  readonly historyRetention: number;
  /** Where the store connects, as given (without the store's own URL parameters). */
  readonly connection: string | RedisOptions;

  /** @throws ConfigurationError for an invalid namespace or retention. */
  constructor(options: RedisStoreOptions = {}) {
    const backend = new RedisBackend({ ...options, connectTimeoutMs: options.operationTimeoutMs ?? 5000 });
    super(backend, options);
    this.namespace = backend.namespace;
    this.historyRetention = backend.historyRetention;
    this.connection = backend.connection;
  }

  /**
   * A store (not yet open) from `redis://[user:password@]host:port/db?namespace=ns&historyRetention=n`
   * (`rediss://` for TLS). Other query parameters go to ioredis; a `namespace` or
   * `historyRetention` given in `options` wins over the URL's.
   * @throws ConfigurationError for a malformed URL, namespace or retention.
   */
  static fromUrl(url: string, options: Omit<RedisStoreOptions, "connection"> = {}): RedisFeatureStore {
    const parsed = parseRedisUrl(url);
    return new RedisFeatureStore({
      ...options,
      namespace: options.namespace ?? parsed.namespace,
      historyRetention: options.historyRetention ?? parsed.historyRetention,
      connection: parsed.connection,
    });
  }
}
