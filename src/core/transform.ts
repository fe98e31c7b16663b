import type { FeatureData, FeatureVector } from "./models.js";
import { setOwn } from "./own-property.js";

/** Turns one feature's served value into the value a model wants; sees the whole vector. */
export type TransformFn = (value: FeatureData | null, vector: FeatureVector) => FeatureData | null;

/**
 * Pre-serving transforms, per feature, applied in the order added.
 *
 * @example
 * ```ts
 * const t = new FeatureTransform().add("age", (v) => (typeof v === "number" ? v / 100 : v));
 * const scaled = t.apply(vector); // `vector` is left as it was
 * ```
 */
export class FeatureTransform {
  private readonly steps = new Map<string, TransformFn[]>();

  /** Adds a transform for `featureName`; chainable. */
  add(featureName: string, fn: TransformFn): this {
    const list = this.steps.get(featureName);
    if (list) list.push(fn);
    else this.steps.set(featureName, [fn]);
    return this;
  }

  /** The feature names that have transforms. */
  get featureNames(): string[] {
    return [...this.steps.keys()];
  }

  /**
   * Returns a new vector with the transforms applied to the features it holds; the input vector
   * and its values are not changed (each function receives a deep copy).
   */
  apply(vector: FeatureVector): FeatureVector {
    const source = structuredClone(vector);
    const out = structuredClone(vector);
    for (const entry of out.entries) {
      const fns = this.steps.get(entry.featureName);
      if (!fns) continue;
      let value = entry.value;
      for (const fn of fns) value = fn(value, source);
      entry.value = value;
      setOwn(out.values, entry.featureName, value);
    }
    return out;
  }
}
