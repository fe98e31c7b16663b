export { FeatureType, ValueType } from "./core/enums.js";
export {
  BackendUnavailableError,
  ConfigurationError,
  ConflictError,
  FeatureNotFoundError,
  FeatureStoreError,
  GroupNotFoundError,
  ValidationError,
} from "./core/errors.js";
export { logger } from "./core/logger.js";
export type {
  FeatureData,
  FeatureDefinition,
  FeatureGroup,
  FeatureValue,
  FeatureVector,
  NormalizedDefinition,
  StoredGroup,
  ValueWrite,
  VectorEntry,
} from "./core/models.js";
export type { TransformFn } from "./core/transform.js";
export { FeatureTransform } from "./core/transform.js";
export type { BatchReport, FeatureServiceOptions } from "./service.js";
export { FeatureService } from "./service.js";
export type { EntryKey, EntryWrite, StoredEntry } from "./store/entry.js";
export { InMemoryFeatureStore } from "./store/memory/memory-store.js";
export { openStore, storeSchemes } from "./store/open-store.js";
export type { PostgresStoreOptions, PostgresUrlOptions } from "./store/postgres/postgres-store.js";
export { PostgresFeatureStore } from "./store/postgres/postgres-store.js";
export type { RedisStoreOptions } from "./store/redis/redis-store.js";
export { RedisFeatureStore } from "./store/redis/redis-store.js";
export type { SQLiteStoreOptions } from "./store/sqlite/sqlite-store.js";
export { SQLiteFeatureStore } from "./store/sqlite/sqlite-store.js";
export type { ReadOptions, StoreHealth, StoreOptions } from "./store/store.js";
export { FeatureStore } from "./store/store.js";
