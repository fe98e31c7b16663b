import {
  type DefinitionVersion,
  type FeatureCoverage,
  type FeatureStoreError,
  type FeatureValue,
  type FeatureVector,
  InMemoryFeatureStore,
  type ReadOptions,
  type StoredGroup,
  type VectorReadOptions,
} from "../../src/index.js";

/** One `getVectors` (or `getVectorsSettled`) call as the store saw it. */
export interface VectorsCall {
  entityIds: string[];
  featureNames: string[];
  /** The instant asked for, in epoch ms; absent for a read of now. */
  asOfMs?: number;
  /** Present when the read asked for values only (no entries). */
  valuesOnly?: true;
}

/**
 * The reference in-memory store, recording each batch read it serves and counting the lookups
 * it answers: the tests prove batching by what the real store was asked, not by a mock's
 * expectations.
 */
export class CountingStore extends InMemoryFeatureStore {
  readonly vectorsCalls: VectorsCall[] = [];
  /** The name lists `getDefinitions` was asked for, one per call. */
  readonly definitionsCalls: string[][] = [];
  /** How many times `getDefinition` (one name) was called. */
  definitionCalls = 0;
  /** How many times `getGroups` (or `getGroup`, which calls it) was called. */
  groupCalls = 0;
  /** How many times `getValue` was called. */
  valueCalls = 0;
  /** The name lists `featureCoverage` was asked for, one per call. */
  readonly coverageCalls: string[][] = [];

  override async featureCoverage(featureNames: readonly string[]): Promise<FeatureCoverage[]> {
    this.coverageCalls.push([...featureNames]);
    return super.featureCoverage(featureNames);
  }

  override async getVectors(
    entityIds: readonly string[],
    featureNames: readonly string[],
    options: VectorReadOptions = {},
  ): Promise<FeatureVector[]> {
    this.record(entityIds, featureNames, options);
    return super.getVectors(entityIds, featureNames, options);
  }

  override async getVectorsSettled(
    entityIds: readonly string[],
    featureNames: readonly string[],
    options: VectorReadOptions = {},
  ): Promise<(FeatureVector | FeatureStoreError)[]> {
    this.record(entityIds, featureNames, options);
    return super.getVectorsSettled(entityIds, featureNames, options);
  }

  private record(entityIds: readonly string[], featureNames: readonly string[], options: VectorReadOptions) {
    const call: VectorsCall = { entityIds: [...entityIds], featureNames: [...featureNames] };
    if (options.asOf) call.asOfMs = options.asOf.getTime();
    if (options.valuesOnly) call.valuesOnly = true;
    this.vectorsCalls.push(call);
  }

  override async getDefinitions(featureNames: readonly string[]): Promise<(DefinitionVersion | null)[]> {
    this.definitionsCalls.push([...featureNames]);
    return super.getDefinitions(featureNames);
  }

  override async getDefinition(featureName: string, version?: number): Promise<DefinitionVersion | null> {
    this.definitionCalls++;
    return super.getDefinition(featureName, version);
  }

  override async getGroups(names: readonly string[]): Promise<(StoredGroup | null)[]> {
    this.groupCalls++;
    return super.getGroups(names);
  }

  override async getValue(
    featureName: string,
    entityId: string,
    options?: ReadOptions,
  ): Promise<FeatureValue | null> {
    this.valueCalls++;
    return super.getValue(featureName, entityId, options);
  }

  /** Forgets every count and recorded call. */
  resetCounts(): void {
    this.vectorsCalls.length = 0;
    this.definitionsCalls.length = 0;
    this.definitionCalls = 0;
    this.groupCalls = 0;
    this.valueCalls = 0;
  }
}
