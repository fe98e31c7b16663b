import { PostgresFeatureStore } from "../../store/postgres/postgres-store.js";
import { RedisFeatureStore } from "../../store/redis/redis-store.js";
import type { FeatureStore } from "../../store/store.js";
import { createFeaturePubSub, type FeaturePubSub } from "../events.js";
import { PostgresEventTarget } from "./postgres-pubsub.js";
import { RedisEventTarget } from "./redis-pubsub.js";

/** The pubsub a server's subscriptions run on, and the state of its connection. */
export interface ServerPubSub {
  /** What to pass to `createApp` as `pubsub`. */
  readonly pubsub: FeaturePubSub;
  /** How changes travel: within this process, or between replicas through Redis or PostgreSQL. */
  readonly transport: "in-process" | "redis" | "postgres";
  /** False while a distributed transport is reconnecting (changes are not heard meanwhile). */
  readonly connected: boolean;
  /** Closes the transport's connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the pubsub that suits a store, so that every replica serving the same store hears the
 * changes written through any of them:
 *
 * - a Redis store: Redis pub/sub on the same server, channel named for the store's namespace;
 * - a PostgreSQL store: `LISTEN`/`NOTIFY` on the same database, channel named for the namespace;
 * - a memory or SQLite store: in process (a memory store has one process; SQLite files shared by
 *   several processes are not meant to run replicated servers).
 *
 * The pubsub connects where the store does.
 * @throws the driver's connection error when the server cannot be reached.
 * @example
 * ```ts
 * const store = await openStore(url);
 * const changes = await openPubSub(store);
 * const app = createApp({ service: new FeatureService(store), pubsub: changes.pubsub });
 * ```
 */
export async function openPubSub(store: FeatureStore): Promise<ServerPubSub> {
  if (store instanceof RedisFeatureStore) {
    return new RedisEventTarget({ connection: store.connection, namespace: store.namespace }).start();
  }
  if (store instanceof PostgresFeatureStore) {
    return new PostgresEventTarget({ connection: store.connection, namespace: store.namespace }).start();
  }
  return { pubsub: createFeaturePubSub(), transport: "in-process", connected: true, close: async () => {} };
}
