/**
 * The SQLite backend's public entry (`featurestore/sqlite`): a typed constructor for code that
 * wants one instead of `openStore("sqlite://...")`. Importing it loads better-sqlite3.
 */
export type { SQLiteBackendOptions } from "./store/sqlite/sqlite-backend.js";
export { SQLiteBackend } from "./store/sqlite/sqlite-backend.js";
export type { SQLiteStoreOptions } from "./store/sqlite/sqlite-store.js";
export { SQLiteFeatureStore } from "./store/sqlite/sqlite-store.js";
