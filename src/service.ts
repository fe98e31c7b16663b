import { checkEntityId, checkName, normalizeGroup } from "./core/definition.js";
import type { FeatureStoreError } from "./core/errors.js";
import { ConfigurationError, GroupNotFoundError, ValidationError } from "./core/errors.js";
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
import type { EntityPage } from "./store/entity-page.js";
import type { FeatureCoverage, FeatureStatistics, StatisticsOptions } from "./store/feature-statistics.js";
import type { FeatureStore, ReadOptions, VectorReadOptions } from "./store/feature-store.js";
import type { HistoryPosition } from "./store/history-page.js";
import { InMemoryFeatureStore } from "./store/memory/in-memory-store.js";
import type { EntityRow, TrainingRow, TrainingSetOptions } from "./store/training-set.js";
import {
  TransformCatalog,
  type TransformCatalogOptions,
  type TransformRegistration,
} from "./transforms/transform-catalog.js";
import type { StoredTransform, TransformDeclaration } from "./transforms/transform-model.js";
import { parseReference } from "./transforms/transform-reference.js";
import type { VectorTransform } from "./transforms/vector-transform.js";

/** Options of {@link FeatureService}. */
export interface FeatureServiceOptions {
  /**
   * A code-defined transform, applied by reads asked to `applyTransform` (`true`). Give this or
   * {@link defaultTransform}, not both.
   */
  transform?: FeatureTransform;
  /**
   * A stored transform (`name@version`, or `name` for its newest version) applied by reads
   * asked to `applyTransform` (`true`): the server's default transform.
   */
  defaultTransform?: string;
  /** How stored transforms are fitted and cached. */
  transforms?: TransformCatalogOptions;
}

/**
 * Which transform a read applies: `false` (or omitted) none; `true` the service's default
 * transform (none when it has none); a string the stored transform `name@version`, or `name`
 * for its newest version.
 */
export type TransformChoice = boolean | string;

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
  /** The code-defined transform applied when `applyTransform` is asked for, if any. */
  readonly transform: FeatureTransform | undefined;
  /** The stored transform applied when `applyTransform` is asked for, if any (a reference). */
  readonly defaultTransform: string | undefined;
  /** The store's registered transforms. */
  readonly transforms: TransformCatalog;

  /** @throws ConfigurationError for both kinds of default transform, or a malformed reference. */
  constructor(store: FeatureStore = new InMemoryFeatureStore(), options: FeatureServiceOptions = {}) {
    this.store = store;
    this.transform = options.transform;
    if (options.transform && options.defaultTransform !== undefined) {
      throw new ConfigurationError("give a code-defined transform or a default stored transform, not both");
    }
    if (options.defaultTransform !== undefined) {
      try {
        parseReference(options.defaultTransform);
      } catch (err) {
        throw new ConfigurationError(`default transform: ${(err as Error).message}`);
      }
    }
    this.defaultTransform = options.defaultTransform;
    this.transforms = new TransformCatalog(store, options.transforms);
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

  /**
   * A vector of the named features, transformed as `transform` says (see {@link TransformChoice}):
   * with a stored transform, its derived features follow the named ones.
   * @throws TransformNotFoundError for a stored transform that is not registered.
   */
  async getFeatures(
    entityId: string,
    featureNames: readonly string[],
    transform: TransformChoice = false,
    options: VectorReadOptions = {},
  ): Promise<FeatureVector> {
    return (
      await this.getTransformedVectors([entityId], featureNames, transform, options)
    )[0] as FeatureVector;
  }

  /**
   * Vectors of several entities, one per id in order, from one backend round trip, each
   * transformed as `transform` says, read now or as of `options.asOf`.
   */
  async getTransformedVectors(
    entityIds: readonly string[],
    featureNames: readonly string[],
    transform: TransformChoice = false,
    options: VectorReadOptions = {},
  ): Promise<FeatureVector[]> {
    const chosen =
      (typeof transform === "string" ? this.transforms.resolvedPin(transform) : undefined) ??
      (await this.resolveTransform(transform));
    if (!chosen) return this.store.getVectors(entityIds, featureNames, options);
    // These vectors were read for this call alone: the transform may reuse them.
    const vectors = await this.store.getVectors(entityIds, chosen.readNames(featureNames), options);
    return vectors.map((v) => chosen.applyOwned(v, featureNames.length));
  }

  /**
   * The transform a read applies for `choice`, or undefined for none; stored versions are
   * compiled once and cached.
   * @throws ValidationError for a malformed reference; TransformNotFoundError for an unregistered one.
   */
  async resolveTransform(choice: TransformChoice | null | undefined): Promise<VectorTransform | undefined> {
    if (choice === undefined || choice === null || choice === false) return undefined;
    if (typeof choice === "string") return this.transforms.resolve(choice);
    if (choice !== true) throw new ValidationError("transform must be a boolean or a transform reference");
    if (this.defaultTransform !== undefined) return this.transforms.resolve(this.defaultTransform);
    const code = this.transform;
    if (!code) return undefined;
    const apply = (vector: FeatureVector) => code.apply(vector);
    return { reference: undefined, readNames: (names) => names, apply, applyOwned: apply };
  }

  /**
   * Registers a transform (see `TransformCatalog.register`): checked against the features'
   * definitions, its left-out parameters fitted from the store's current values, stored as the
   * next version of its name unless the newest version says exactly the same.
   * @throws ValidationError, FeatureNotFoundError (nothing is stored then).
   */
  registerTransform(declaration: TransformDeclaration): Promise<TransformRegistration> {
    return this.transforms.register(declaration);
  }

  /** A version of a stored transform (the newest when `version` is omitted), or `null`. */
  getTransform(name: string, version?: number): Promise<StoredTransform | null> {
    return this.transforms.get(name, version);
  }

  /** The newest version of every stored transform sorted by name, or every version of one name. */
  listTransforms(name?: string): Promise<StoredTransform[]> {
    return this.transforms.list(name);
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

  /**
   * A vector of every feature in a group, transformed as `transform` says.
   * @throws GroupNotFoundError for an unknown group.
   */
  async getGroupFeatures(
    entityId: string,
    groupName: string,
    transform: TransformChoice = false,
  ): Promise<FeatureVector> {
    return this.getFeatures(entityId, (await this.requireGroup(groupName)).featureNames, transform);
  }

  /** Statistics of a feature's values in force now (see {@link FeatureStore.featureStatistics}). */
  featureStatistics(featureName: string, options: StatisticsOptions = {}): Promise<FeatureStatistics> {
    return this.store.featureStatistics(featureName, options);
  }

  /** Live, expired and deleted counts and last write per feature, in order. */
  featureCoverage(featureNames: readonly string[]): Promise<FeatureCoverage[]> {
    return this.store.featureCoverage(featureNames);
  }

  /**
   * A page of entity ids in code point order after `after`: those with an entry of the feature,
   * or of any feature of the group, or of any feature when neither is given.
   * @throws ValidationError when both are given; FeatureNotFoundError, GroupNotFoundError.
   */
  async listEntities(
    scope: { featureName?: string | null; groupName?: string | null },
    after: string | null,
    limit: number,
  ): Promise<EntityPage> {
    const { featureName, groupName } = scope;
    if (featureName != null && groupName != null) {
      throw new ValidationError("give featureName or groupName, not both");
    }
    const names =
      featureName != null
        ? [featureName]
        : groupName != null
          ? (await this.requireGroup(groupName)).featureNames
          : null;
    return this.store.listEntities(names, after, limit);
  }

  /** A page of a key's values in event time order (see {@link FeatureStore.historyPage}). */
  historyPage(
    featureName: string,
    entityId: string,
    page: { newestFirst: boolean; after: HistoryPosition | null; limit: number },
  ): Promise<FeatureValue[]> {
    return this.store.historyPage(featureName, entityId, page);
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
