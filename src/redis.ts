/**
 * The Redis backend's public entry (`featurestore/redis`): a typed constructor for code that
 * wants one instead of `openStore("redis://...")`, and the change feed replicas share. Importing
 * it loads ioredis.
 */
export type { RedisBackendOptions } from "./store/redis/redis-backend.js";
export { RedisBackend } from "./store/redis/redis-backend.js";
export type { RedisChangeFeedOptions } from "./store/redis/redis-change-feed.js";
export { RedisChangeFeed } from "./store/redis/redis-change-feed.js";
export type { RedisStoreOptions } from "./store/redis/redis-store.js";
export { RedisFeatureStore } from "./store/redis/redis-store.js";
