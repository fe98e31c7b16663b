import type { FeatureData, VectorEntry } from "../core/models.js";

/**
 * One row of the entity frame a training set is built from: an entity, the instant its
 * prediction is made at, and any other columns (labels, weights), which pass through unchanged.
 */
export interface EntityRow {
  entityId: string;
  timestamp: Date;
  [column: string]: unknown;
}

/** The columns of an entity row other than the entity and the instant: what passes through. */
export type PassThrough<R extends EntityRow> = Omit<R, "entityId" | "timestamp">;

/**
 * One row of a training set: the entity row, and each feature's value as it was known at the
 * row's instant (never later), so a model trains on exactly what serving would have served then.
 */
export interface TrainingRow<R extends EntityRow = EntityRow> {
  entityId: string;
  timestamp: Date;
  /** The row's other columns, as given. */
  columns: PassThrough<R>;
  /** Feature name -> value in force at `timestamp` (else the default), in the order asked for. */
  values: Record<string, FeatureData | null>;
  /**
   * Per feature, in the order asked for: the version and event time the value came from (for
   * auditing leakage: every `eventTimeMs` is at or before `timestamp`), or `usedDefault` when
   * nothing live was in force, or `historyTrimmed` when the answer is unknown.
   */
  entries: VectorEntry[];
  /**
   * `name@version` of the stored transform the row was read through (see
   * `FeatureService.trainingSet`); absent when none was. Its derived features then follow the
   * features asked for in `values` and `entries`.
   */
  transform?: string;
}

/** Options of `FeatureStore.trainingSet`. */
export interface TrainingSetOptions {
  /**
   * Rows answered per backend call (default 1000, at most 10,000): the unit of memory, and of
   * round trips. The next chunk is read while the caller consumes the current one.
   */
  chunkSize?: number;
}

/** The chunk size when none is given. */
export const DEFAULT_TRAINING_CHUNK = 1000;
/** The largest chunk size accepted: bounds one backend call's memory and statement size. */
export const MAX_TRAINING_CHUNK = 10_000;
