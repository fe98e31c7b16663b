import { FeatureStore, type StoreOptions } from "../feature-store.js";
import { MemoryBackend } from "./memory-backend.js";

/**
 * A feature store in process memory: nothing is persisted, and it is gone when the process
 * ends. For development, tests and examples; the same as `openStore("memory://")`.
 *
 * @example
 * ```ts
 * const store = new InMemoryFeatureStore();
 * await store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "INT" });
 * ```
 */
export class InMemoryFeatureStore extends FeatureStore {
  constructor(options: StoreOptions = {}) {
    super(new MemoryBackend(), options);
  }
}
