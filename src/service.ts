import { checkEntityId, checkName, normalizeGroup } from "./core/definition.js";
import type { FeatureStoreError } from "./core/errors.js";
import { GroupNotFoundError, ValidationError } from "./core/errors.js";
import type {
  FeatureDefinition,
  FeatureGroup,
  FeatureValue,
  FeatureVector,
  NormalizedDefinition,
  StoredGroup,
  ValueWrite,
} from "./core/models.js";
import type { FeatureTransform } from "./core/transform.js";
import type { FeatureStore, ReadOptions, VectorReadOptions } from "./store/feature-store.js";
import { InMemoryFeatureStore } from "./store/memory/in-memory-store.js";
import type { EntityRow, TrainingRow, TrainingSetOptions } from "./store/training-set.js";

/** Options of {@link FeatureService}. */
export interface FeatureServiceOptions {
  /** Applied by {@link FeatureService.getFeatures} when asked to. */
  transform?: FeatureTransform;
}

/** What {@link FeatureService.ingestBatchReport} did with a batch. */
export interface BatchReport {
  /** Records written. */
  processed: number;
  /** Records without the entity id field, left out. */
  skipped: number;
  /** Every value written, with its version, in record order. */
  written: FeatureValue[];
}

/**
 * The high-level facade: feature groups, whole-record ingestion and transformed reads over a
 * store. It is also the one way the GraphQL API reaches the store.
 *
 * @example
 * ```ts
 * const service = new FeatureService(await openStore("sqlite://data/features.db"));
 * await service.registerGroup({ name: "user", features: [{ name: "age", featureType: "NUMERIC", valueType: "INT" }] });
 * await service.ingest({ age: 31 }, "user-1");
 * const vector = await service.getGroupFeatures("user-1", "user");
 * ```
 */
export class FeatureService {
  /** The store this service reads and writes. */
  readonly store: FeatureStore;
  /** The transform applied when `applyTransform` is asked for, if any. */
  readonly transform: FeatureTransform | undefined;

  constructor(store: FeatureStore = new InMemoryFeatureStore(), options: FeatureServiceOptions = {}) {
    this.store = store;
    this.transform = options.transform;
  }

  /**
   * Registers a group and all its features in one atomic step: a group that conflicts, or has
   * one bad or conflicting feature, registers nothing, however other processes interleave.
   * Registering an identical group again is a no-op.
   */
  async registerGroup(group: FeatureGroup): Promise<StoredGroup> {
    const { stored, features } = normalizeGroup(group);
    return this.store.saveGroup(stored, features);
  }

  /**
   * Writes a record of feature values for one entity: the whole record is checked first, then all
   * of it lands or none does.
   * @returns the written values with their versions.
   */
  async ingest(
    features: Record<string, unknown>,
    entityId: string,
    options: { eventTime?: Date } = {},
  ): Promise<FeatureValue[]> {
    checkRecord(features);
    checkEntityId(entityId);
    return this.store.setValues(
      Object.entries(features).map(([featureName, value]) => ({
        featureName,
        entityId,
        value,
        eventTime: options?.eventTime,
      })),
    );
  }

  /**
   * Writes many records in one atomic batch. Records without `entityIdField` are skipped; the
   * entity id field itself is not a feature. Ids may be strings or integers.
   * @returns how many records were written.
   */
  async ingestBatch(
    records: readonly Record<string, unknown>[],
    entityIdField: string,
    options: { eventTime?: Date } = {},
  ): Promise<number> {
    return (await this.ingestBatchReport(records, entityIdField, options)).processed;
  }

  /** {@link FeatureService.ingestBatch}, reporting the skipped records too. */
  async ingestBatchReport(
    records: readonly Record<string, unknown>[],
    entityIdField: string,
    options: { eventTime?: Date } = {},
  ): Promise<BatchReport> {
    if (typeof entityIdField !== "string" || entityIdField.length === 0) {
      throw new ValidationError("entityIdField must be a non-empty string");
    }
    if (!Array.isArray(records)) throw new ValidationError("records must be a list of objects");
    const writes: ValueWrite[] = [];
    let processed = 0;
    records.forEach((record, index) => {
      checkRecord(record, index);
      // Own properties only: a record without the field must not find `constructor` on its prototype.
      const id = Object.hasOwn(record, entityIdField) ? record[entityIdField] : undefined;
      if (id === undefined || id === null) return;
      if (typeof id !== "string" && !Number.isSafeInteger(id)) {
        throw new ValidationError(`record ${index}: ${entityIdField} must be a string or an integer`, {
          index,
        });
      }
      const entityId = String(id);
      for (const [featureName, value] of Object.entries(record)) {
        if (featureName !== entityIdField)
          writes.push({ featureName, entityId, value, eventTime: options?.eventTime });
      }
      processed++;
    });
    const written = await this.store.setValues(writes);
    return { processed, skipped: records.length - processed, written };
  }

  /** Registers a feature (see {@link FeatureStore.registerFeature}). */
  registerFeature(definition: FeatureDefinition): Promise<NormalizedDefinition> {
    return this.store.registerFeature(definition);
  }

  /** Every registered definition, sorted by name. */
  listFeatures(): Promise<NormalizedDefinition[]> {
    return this.store.listFeatures();
  }

  /** Definitions by name, in order (`null` where unregistered), in at most one backend call. */
  getDefinitions(featureNames: readonly string[]): Promise<(NormalizedDefinition | null)[]> {
    return this.store.getDefinitions(featureNames);
  }

  /** One value: the current one, an exact version, or the one in force as of a time. */
  getValue(featureName: string, entityId: string, options: ReadOptions = {}): Promise<FeatureValue | null> {
    return this.store.getValue(featureName, entityId, options);
  }

  /** Every value kept for the key, in version order. */
  history(featureName: string, entityId: string): Promise<FeatureValue[]> {
    return this.store.history(featureName, entityId);
  }

  /** Deletes the current value; true when there was one. */
  deleteValue(featureName: string, entityId: string): Promise<boolean> {
    return this.store.deleteValue(featureName, entityId);
  }

  /** A vector of the named features, transformed if asked and a transform is configured. */
  async getFeatures(
    entityId: string,
    featureNames: readonly string[],
    applyTransform = false,
  ): Promise<FeatureVector> {
    const vector = await this.store.getVector(entityId, featureNames);
    return applyTransform ? this.transformed(vector) : vector;
  }

  /**
   * Vectors of several entities from one backend round trip, each entity answered on its own
   * (a malformed id gets its error in its place): what the GraphQL API's DataLoaders call.
   */
  getVectorsSettled(
    entityIds: readonly string[],
    featureNames: readonly string[],
    options: VectorReadOptions = {},
  ): Promise<(FeatureVector | FeatureStoreError)[]> {
    return this.store.getVectorsSettled(entityIds, featureNames, options);
  }

  /**
   * A point-in-time training set over the entity rows, streamed in chunks (see
   * `FeatureStore.trainingSet`): what the GraphQL `trainingSet` field and the file export read.
   */
  trainingSet<R extends EntityRow>(
    rows: AsyncIterable<R> | Iterable<R>,
    featureNames: readonly string[],
    options: TrainingSetOptions = {},
  ): AsyncGenerator<TrainingRow<R>[]> {
    return this.store.trainingSet(rows, featureNames, options);
  }

  /** The vector with this service's transform applied, or as it is when there is none. */
  transformed(vector: FeatureVector): FeatureVector {
    return this.transform ? this.transform.apply(vector) : vector;
  }

  /**
   * A vector of every feature in a group.
   * @throws GroupNotFoundError for an unknown group.
   */
  async getGroupFeatures(entityId: string, groupName: string): Promise<FeatureVector> {
    return this.store.getVector(entityId, (await this.requireGroup(groupName)).featureNames);
  }

  /** A group by name. @throws GroupNotFoundError when there is none. */
  async requireGroup(groupName: string): Promise<StoredGroup> {
    const group = await this.store.getGroup(checkName(groupName, "group"));
    if (!group) throw new GroupNotFoundError(groupName);
    return group;
  }

  /** Groups by name, in order (`null` where there is none), in at most one backend call. */
  getGroups(names: readonly string[]): Promise<(StoredGroup | null)[]> {
    return this.store.getGroups(names);
  }

  /** Every registered group, sorted by name. */
  listGroups(): Promise<StoredGroup[]> {
    return this.store.listGroups();
  }
}

function checkRecord(record: unknown, index?: number): asserts record is Record<string, unknown> {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    const where = index === undefined ? "a record" : `record ${index}`;
    throw new ValidationError(
      `${where} must be an object of feature name -> value`,
      index === undefined ? {} : { index },
    );
  }
}
