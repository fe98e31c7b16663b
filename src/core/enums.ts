/**
 * What a feature means to a model. String-valued, so `FeatureType.NUMERIC === "NUMERIC"` and a
 * plain string from JSON or GraphQL is accepted wherever a `FeatureType` is.
 */
export const FeatureType = {
  NUMERIC: "NUMERIC",
  CATEGORICAL: "CATEGORICAL",
  EMBEDDING: "EMBEDDING",
  TEXT: "TEXT",
  TIMESTAMP: "TIMESTAMP",
  BOOLEAN: "BOOLEAN",
} as const;
/** One of the {@link FeatureType} values. */
export type FeatureType = (typeof FeatureType)[keyof typeof FeatureType];

/**
 * How a feature's values are stored and checked: INT is a safe integer, FLOAT a finite number,
 * STRING a string, BOOL a boolean, LIST an array and DICT a plain object (both JSON-shaped).
 */
export const ValueType = {
  INT: "INT",
  FLOAT: "FLOAT",
  STRING: "STRING",
  BOOL: "BOOL",
  LIST: "LIST",
  DICT: "DICT",
} as const;
/** One of the {@link ValueType} values. */
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** Every feature type, in declaration order. */
export const FEATURE_TYPES: readonly FeatureType[] = Object.values(FeatureType);
/** Every value type, in declaration order. */
export const VALUE_TYPES: readonly ValueType[] = Object.values(ValueType);
