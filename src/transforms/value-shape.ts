import { FeatureType, ValueType } from "../core/enums.js";
import type { NormalizedDefinition } from "../core/models.js";

/**
 * The type of the values flowing between a transform's steps: what a step accepts and what it
 * outputs. The same three facts a feature definition gives, so a step's output reads like a
 * feature a model could have been trained on.
 */
export interface ValueShape {
  readonly featureType: FeatureType;
  readonly valueType: ValueType;
  /** The list length of an EMBEDDING (one-hot output, normalized embedding), when fixed. */
  readonly dimension: number | null;
}

/** The shape of a registered feature's values. */
export function shapeOf(def: NormalizedDefinition): ValueShape {
  return { featureType: def.featureType, valueType: def.valueType, dimension: def.dimension };
}

/** A shape in words, for error messages: `NUMERIC FLOAT`, `EMBEDDING LIST(4)`. */
export function describeShape(shape: ValueShape): string {
  const dimension = shape.dimension === null ? "" : `(${shape.dimension})`;
  return `${shape.featureType} ${shape.valueType}${dimension}`;
}

/** Whether values of this shape are numbers. */
export function isNumeric(shape: ValueShape): boolean {
  return shape.valueType === ValueType.INT || shape.valueType === ValueType.FLOAT;
}

/** Whether values of this shape are single strings, integers or booleans: what can be a category. */
export function isScalarCategory(shape: ValueShape): boolean {
  return (
    shape.valueType === ValueType.STRING ||
    shape.valueType === ValueType.INT ||
    shape.valueType === ValueType.BOOL
  );
}

/** A NUMERIC FLOAT: what scaling steps output. */
export const FLOAT_SHAPE: ValueShape = Object.freeze({
  featureType: FeatureType.NUMERIC,
  valueType: ValueType.FLOAT,
  dimension: null,
});

/** A CATEGORICAL INT: a bucket, label or hash index. */
export const INDEX_SHAPE: ValueShape = Object.freeze({
  featureType: FeatureType.CATEGORICAL,
  valueType: ValueType.INT,
  dimension: null,
});
