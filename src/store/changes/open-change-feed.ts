import { findBackend } from "../backend-registry.js";
import { type ChangeFeed, inProcessChangeFeed } from "./change-feed.js";

/**
 * Opens the change feed that suits a store URL, so that every process serving the same store
 * hears the writes made through any of them: the backend's own (Redis pub/sub, PostgreSQL
 * LISTEN/NOTIFY, ...) when its descriptor has one, else one within this process (a memory store
 * lives in one process; SQLite files shared by several processes are not meant to run
 * replicated servers).
 * @throws ConfigurationError for a URL no backend answers; the transport's connection error.
 * @example
 * ```ts
 * const store = await openStore(url);
 * const changes = await openChangeFeed(url);
 * const app = createApp({ service: new FeatureService(store), pubsub: changes.pubsub });
 * ```
 */
export async function openChangeFeed(url: string): Promise<ChangeFeed> {
  const descriptor = findBackend(url);
  return descriptor.openChangeFeed ? descriptor.openChangeFeed(url) : inProcessChangeFeed();
}
