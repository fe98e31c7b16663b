import type { FeatureType, ValueType } from "./enums.js";

/**
 * A value a feature can hold: JSON-shaped, never `null` at the top level
 * (absence is expressed by deleting, and reads fall back to the definition's default).
 */
export type FeatureData = string | number | boolean | FeatureData[] | { [key: string]: FeatureData | null };

/**
 * A feature's schema. A plain object literal is accepted wherever a definition is taken.
 *
 * @example
 * ```ts
 * const clicks: FeatureDefinition = {
 *   name: "clicks_7d", featureType: FeatureType.NUMERIC, valueType: ValueType.INT, defaultValue: 0,
 * };
 * ```
 */
export interface FeatureDefinition {
  /** Identifier: letters, digits, `_`, `.`, `-`, `:`; starts with a letter or `_`; at most 128 characters. */
  name: string;
  /** What the feature means to a model. */
  featureType: FeatureType;
  /** How its values are checked and stored. */
  valueType: ValueType;
  /** Served by vector reads when no live value exists (missing, deleted or expired). */
  defaultValue?: FeatureData | null;
  /** Free-form labels for grouping and filtering. */
  tags?: string[];
  /** A value whose event time is older than this many seconds (relative to the read) is expired. */
  ttlSeconds?: number | null;
  /** Human-readable description. */
  description?: string | null;
  /** For EMBEDDING features: the exact number of components every value must have. */
  dimension?: number | null;
}

/** A definition after validation: every optional field present, tags sorted and unique. */
export interface NormalizedDefinition {
  readonly name: string;
  readonly featureType: FeatureType;
  readonly valueType: ValueType;
  readonly defaultValue: FeatureData | null;
  readonly tags: readonly string[];
  readonly ttlSeconds: number | null;
  readonly description: string | null;
  readonly dimension: number | null;
}

/** One stored value of one feature for one entity, as read. */
export interface FeatureValue {
  featureName: string;
  entityId: string;
  value: FeatureData;
  /** 1 for the first write of this (feature, entity), one more for each write after it. */
  version: number;
  /** The event time the value was written with (UTC). */
  timestamp: Date;
  /** Seconds between `timestamp` and the moment of the read. */
  ageSeconds: number;
}

/** One feature's slot in a {@link FeatureVector}. */
export interface VectorEntry {
  featureName: string;
  /** The live value, else the definition's default (a fresh copy), else `null`. */
  value: FeatureData | null;
  /** The version served, or `null` when the default (or nothing) was served. */
  version: number | null;
  /**
   * The served value's event time in epoch milliseconds (UTC), or `null` for a default. A number
   * rather than a `Date`: vector reads are the hot path and most callers never look at it
   * (`new Date(entry.eventTimeMs)` when needed).
   */
  eventTimeMs: number | null;
  /** True when no live value existed and the definition's default stood in. */
  usedDefault: boolean;
  /**
   * False when the name is not a registered feature: an unregistered name (its value is then
   * `null`), or a feature derived by a transform (`transform` says which).
   */
  registered: boolean;
  /** `name@version` of the stored transform that produced this value; absent when none did. */
  transform?: string;
  /**
   * Present, and true, only when the answer of a read as of a time may lie in history the
   * backend has trimmed (see `BackendCapabilities.historyRetention`): the value is then `null`,
   * neither a stored value nor the default, since the true one is unknown.
   */
  historyTrimmed?: true;
}

/** Several features of one entity, read together. */
export interface FeatureVector {
  entityId: string;
  /** Feature name -> value, in the order asked for. */
  values: Record<string, FeatureData | null>;
  /** The same features with their versions and provenance, in the order asked for. */
  entries: VectorEntry[];
  /** `name@version` of the stored transform applied to this vector; absent when none was. */
  transform?: string;
}

/** A named set of features registered and read together. */
export interface FeatureGroup {
  name: string;
  features: FeatureDefinition[];
  description?: string | null;
  tags?: string[];
}

/** A group as stored: its features by name. */
export interface StoredGroup {
  readonly name: string;
  readonly featureNames: readonly string[];
  readonly description: string | null;
  readonly tags: readonly string[];
}

/** One write for {@link FeatureStore.setValues}. */
export interface ValueWrite {
  featureName: string;
  entityId: string;
  value: unknown;
  /** The event time; defaults to now. */
  eventTime?: Date;
}

/**
 * The mutable fields of a feature's definition, for `FeatureStore.updateFeature`: a field left
 * out keeps its value, `null` clears it (tags: no tags).
 *
 * @example
 * ```ts
 * await store.updateFeature("clicks_7d", { ttlSeconds: 14 * 86_400, description: "Clicks, kept two weeks" });
 * ```
 */
export interface DefinitionChanges {
  description?: string | null;
  tags?: string[] | null;
  ttlSeconds?: number | null;
  defaultValue?: FeatureData | null;
}
