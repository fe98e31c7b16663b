import { findBackend } from "./backend-registry.js";
import { FeatureStore, type StoreOptions } from "./feature-store.js";

/**
 * Opens a store from a URL and waits until it is ready. The backend is picked by the URL's
 * scheme, and only its driver is loaded.
 *
 * - `memory://` - in process, nothing persisted
 * - `sqlite://data/features.db` (relative) or `sqlite:///var/lib/features.db` (absolute);
 *   `?synchronous=NORMAL` trades power-loss durability for speed
 * - `postgres://user@host:5432/db?namespace=x` (or `postgresql://`) - tables in the schema `featurestore_x`
 * - `redis://host:6379/0?namespace=x&historyRetention=1000` (or `rediss://` for TLS) - keys under `fs:{x:...}`
 * - `redis+cluster://host:7000,host:7001/?namespace=x` (or `rediss+cluster://`) - the same keys on
 *   a Redis Cluster; a batch is atomic per entity there, not across entities
 * - any scheme a backend was registered for with `registerBackend`
 *
 * @throws ConfigurationError for an unknown scheme (naming the schemes that exist) or a URL its
 * backend cannot honour exactly; BackendUnavailableError when the backend cannot be reached.
 * @example
 * ```ts
 * const store = await openStore("sqlite://data/features.db");
 * ```
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<FeatureStore> {
  const backend = await findBackend(url).open(url, options);
  return new FeatureStore(backend, options).open();
}

/**
 * Deletes everything a store URL names (its namespace, schema or file), for tests and
 * benchmarks. Backends without such a notion (memory) do nothing.
 * @throws ConfigurationError for an unknown scheme.
 */
export async function dropStore(url: string): Promise<void> {
  await findBackend(url).dropNamespace?.(url);
}
