/**
 * The PostgreSQL backend's public entry (`featurestore/postgres`): a typed constructor for code
 * that wants one instead of `openStore("postgres://...")`, and the change feed replicas share.
 * Importing it loads node-postgres.
 */
export type { PostgresBackendOptions } from "./store/postgres/postgres-backend.js";
export { PostgresBackend } from "./store/postgres/postgres-backend.js";
export type { PostgresChangeFeedOptions } from "./store/postgres/postgres-change-feed.js";
export { PostgresChangeFeed } from "./store/postgres/postgres-change-feed.js";
export type { PostgresStoreOptions, PostgresUrlOptions } from "./store/postgres/postgres-store.js";
export { PostgresFeatureStore } from "./store/postgres/postgres-store.js";
