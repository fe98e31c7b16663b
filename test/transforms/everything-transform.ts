import fc from "fast-check";
import type { FeatureGroup, TransformDeclaration } from "../../src/index.js";

/** The features {@link EVERYTHING} reads, as one group. */
export const EVERYTHING_GROUP: FeatureGroup = {
  name: "g",
  features: [
    { name: "x", featureType: "NUMERIC", valueType: "FLOAT" },
    { name: "y", featureType: "NUMERIC", valueType: "FLOAT", defaultValue: 0 },
    { name: "n", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
    { name: "c", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "a" },
    { name: "d", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "p" },
    { name: "h", featureType: "TEXT", valueType: "STRING" },
    { name: "e", featureType: "EMBEDDING", valueType: "LIST", dimension: 3 },
  ],
};

/** The names of the features of {@link EVERYTHING_GROUP}, in order. */
export const EVERYTHING_FEATURES = ["x", "y", "n", "c", "d", "h", "e"] as const;

/** Every built-in step kind at least once, fitted where it can be, and derived features reading each other. */
export const EVERYTHING: TransformDeclaration = {
  name: "everything",
  features: [
    { featureName: "x", steps: [{ kind: "STANDARDIZE" }, { kind: "CLIP", min: -2, max: 2 }] },
    {
      featureName: "y",
      steps: [{ kind: "LOG1P" }, { kind: "MIN_MAX_SCALE" }, { kind: "FILL_DEFAULT", value: -1 }],
    },
    { featureName: "n", steps: [{ kind: "BUCKETIZE", boundaries: [-10, 0, 10] }] },
    { featureName: "c", steps: [{ kind: "ONE_HOT", maxCategories: 3 }] },
    { featureName: "d", steps: [{ kind: "LABEL_ENCODE" }] },
    { featureName: "h", steps: [{ kind: "HASH", buckets: 17 }] },
    { featureName: "e", steps: [{ kind: "L2_NORMALIZE" }] },
  ],
  derived: [
    { name: "ratio", expression: "n / max(abs(y), 1)", featureType: "NUMERIC", valueType: "FLOAT" },
    { name: "big", expression: 'ratio > 1 || c == "a"', featureType: "BOOLEAN", valueType: "BOOL" },
    {
      name: "label",
      expression: 'big ? upper(c) : coalesce(h, "none")',
      featureType: "CATEGORICAL",
      valueType: "STRING",
    },
  ],
};

/** The derived features of {@link EVERYTHING}, in order: the columns a read through it adds. */
export const EVERYTHING_DERIVED = ["ratio", "big", "label"] as const;

/** A record of values of some of the features of {@link EVERYTHING_GROUP}. */
export const everythingRecord = fc.record(
  {
    x: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    y: fc.double({ min: -5, max: 1e3, noNaN: true }),
    n: fc.integer({ min: -50, max: 50 }),
    c: fc.constantFrom("a", "b", "c", "d", "e"),
    d: fc.constantFrom("p", "q"),
    h: fc.string({ maxLength: 6 }),
    e: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }),
  },
  { requiredKeys: [] },
);
