import { type FeatureVector, InMemoryFeatureStore } from "../../src/index.js";

/** One `getVectors` call as the store saw it. */
export interface VectorsCall {
  entityIds: string[];
  featureNames: string[];
}

/**
 * The reference in-memory store, recording each batch read it serves: the tests prove
 * batching by what the real store was asked, not by a mock's expectations.
 */
export class CountingStore extends InMemoryFeatureStore {
  readonly vectorsCalls: VectorsCall[] = [];

  override async getVectors(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<FeatureVector[]> {
    this.vectorsCalls.push({ entityIds: [...entityIds], featureNames: [...featureNames] });
    return super.getVectors(entityIds, featureNames);
  }
}
