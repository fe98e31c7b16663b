import type { TransformDeclaration } from "../../src/index.js";

/**
 * The transform the library benchmark applies: ten steps, one of each built-in kind, on ten
 * of the 50 features, with the parameters a model would fit left to fitting.
 */
export const BENCH_TRANSFORM: TransformDeclaration = {
  name: "bench_model",
  features: [
    { featureName: "float_00", steps: [{ kind: "STANDARDIZE" }] },
    { featureName: "float_01", steps: [{ kind: "MIN_MAX_SCALE" }] },
    { featureName: "float_02", steps: [{ kind: "LOG1P" }] },
    { featureName: "float_03", steps: [{ kind: "CLIP", min: 100, max: 900 }] },
    { featureName: "int_00", steps: [{ kind: "BUCKETIZE", boundaries: [1000, 2500, 5000, 7500] }] },
    { featureName: "category_00", steps: [{ kind: "ONE_HOT" }] },
    { featureName: "category_01", steps: [{ kind: "LABEL_ENCODE" }] },
    { featureName: "category_02", steps: [{ kind: "HASH", buckets: 1024 }] },
    { featureName: "float_19", steps: [{ kind: "FILL_DEFAULT", value: 0 }] },
    { featureName: "embedding", steps: [{ kind: "L2_NORMALIZE" }] },
  ],
};
