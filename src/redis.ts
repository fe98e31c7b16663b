/**
 * The Redis backends' public entry (`featurestore/redis`): typed constructors for code that
 * wants one instead of `openStore("redis://...")` or `openStore("redis+cluster://...")`, and the
 * change feeds replicas share. Importing it loads ioredis.
 */
export type { RedisBackendOptions } from "./store/redis/redis-backend.js";
export { RedisBackend } from "./store/redis/redis-backend.js";
export type { RedisChangeFeedOptions } from "./store/redis/redis-change-feed.js";
export { RedisChangeFeed } from "./store/redis/redis-change-feed.js";
export type { RedisStoreOptions } from "./store/redis/redis-store.js";
export { RedisFeatureStore } from "./store/redis/redis-store.js";
export type { RedisClusterBackendOptions } from "./store/redis-cluster/redis-cluster-backend.js";
export { RedisClusterBackend } from "./store/redis-cluster/redis-cluster-backend.js";
export type { RedisClusterChangeFeedOptions } from "./store/redis-cluster/redis-cluster-change-feed.js";
export { RedisClusterChangeFeed } from "./store/redis-cluster/redis-cluster-change-feed.js";
