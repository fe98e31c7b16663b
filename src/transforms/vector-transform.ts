import type { FeatureVector } from "../core/models.js";

/**
 * What a read applies to the vectors it reads: a stored transform version (`CompiledTransform`)
 * or a code-defined `FeatureTransform`. Every read path (one vector, many, a group's, GraphQL's
 * batched loaders) goes through this one shape.
 */
export interface VectorTransform {
  /** `name@version` of a stored transform; undefined for a code-defined one. */
  readonly reference: string | undefined;
  /** The feature names to read so that {@link apply} can answer for `featureNames`. */
  readNames(featureNames: readonly string[]): readonly string[];
  /** The transformed vector of the first `requested` features of a vector read for {@link readNames}. */
  apply(vector: FeatureVector, requested?: number): FeatureVector;
  /** {@link apply} on a vector no one else holds, which it may transform in place. */
  applyOwned(vector: FeatureVector, requested?: number): FeatureVector;
}
