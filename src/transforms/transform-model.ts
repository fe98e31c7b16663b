import type { FeatureType, ValueType } from "../core/enums.js";
import type { FeatureData } from "../core/models.js";
import type { Expr, ExprType } from "./expression/expression-tree.js";
import type { StepParams } from "./steps/step-kind.js";
import type { ValueShape } from "./value-shape.js";

/**
 * One step as a client declares it: its kind and the parameters that kind takes (see the
 * README's Transforms section). A parameter left out is fitted where the kind can fit it.
 *
 * @example
 * ```ts
 * const step: StepDeclaration = { kind: "STANDARDIZE" }; // mean and std fitted at registration
 * const given: StepDeclaration = { kind: "CLIP", min: 0, max: 100 };
 * ```
 */
export interface StepDeclaration {
  /** STANDARDIZE, MIN_MAX_SCALE, LOG1P, CLIP, BUCKETIZE, ONE_HOT, LABEL_ENCODE, FILL_DEFAULT, L2_NORMALIZE or HASH. */
  kind: string;
  mean?: number | null;
  std?: number | null;
  min?: number | null;
  max?: number | null;
  boundaries?: number[] | null;
  categories?: (string | number | boolean)[] | null;
  maxCategories?: number | null;
  value?: FeatureData | null;
  buckets?: number | null;
}

/** A new feature computed from others of the same vector, as a client declares it. */
export interface DerivedDeclaration {
  name: string;
  /** Such as `clicks_7d / max(sessions_7d, 1)`; see `parseExpression` for the language. */
  expression: string;
  /** NUMERIC, BOOLEAN, CATEGORICAL or TEXT. */
  featureType: FeatureType;
  /** INT, FLOAT, BOOL or STRING: checked against what the expression computes. */
  valueType: ValueType;
  description?: string | null;
}

/**
 * A transform as a client declares it, for `registerTransform`: ordered steps per feature and
 * derived features. Registered under `name` as the next version, unless the newest version
 * already says exactly the same (after fitting).
 */
export interface TransformDeclaration {
  name: string;
  description?: string | null;
  features?: { featureName: string; steps: StepDeclaration[] }[] | null;
  derived?: DerivedDeclaration[] | null;
}

/** One step as stored: complete parameters, which of them were fitted, and its output type. */
export interface StoredStep {
  readonly kind: string;
  readonly params: StepParams;
  /** The parameters fitted from the store's values at registration; empty when all were given. */
  readonly fitted: readonly string[];
  readonly output: ValueShape;
}

/** The values a feature's fitted parameters were computed from. */
export interface FitSample {
  /** How many live current values (one per entity) the fit read. */
  readonly values: number;
  /** False when the scan's bound was hit: the parameters then come from a sample of the entities. */
  readonly complete: boolean;
}

/** One feature's steps as stored. */
export interface StoredFeatureSteps {
  readonly featureName: string;
  /** The feature's type at registration: the first step's input. */
  readonly input: ValueShape;
  readonly steps: readonly StoredStep[];
  /** What its fitted parameters were computed from; `null` when nothing was fitted. */
  readonly fittedOn: FitSample | null;
}

/** A derived feature as stored. */
export interface StoredDerived {
  readonly name: string;
  /** The expression as written. */
  readonly expression: string;
  /** The expression as checked: what is evaluated. */
  readonly tree: Expr;
  readonly featureType: FeatureType;
  readonly valueType: ValueType;
  /** The features and earlier derived features it reads, in order of appearance. */
  readonly inputs: readonly string[];
  /** The type of each of {@link inputs}, in the same order, as checked at registration. */
  readonly inputTypes: readonly ExprType[];
  readonly description: string | null;
}

/**
 * A registered version of a transform: immutable once stored, so a model that pins
 * `name@version` always gets exactly these steps and parameters.
 */
export interface StoredTransform {
  readonly name: string;
  /** 1 for the first registration of the name, one more for each different one after it. */
  readonly version: number;
  readonly description: string | null;
  readonly features: readonly StoredFeatureSteps[];
  readonly derived: readonly StoredDerived[];
}

/** `name@version`, the reference that pins this version. */
export function referenceOf(transform: Pick<StoredTransform, "name" | "version">): string {
  return `${transform.name}@${transform.version}`;
}

/** The catalog record body of a transform: canonical JSON (fixed key order), without name and version. */
export function encodeTransform(transform: Omit<StoredTransform, "name" | "version">): string {
  return JSON.stringify({
    description: transform.description,
    features: transform.features,
    derived: transform.derived,
  });
}

/** Reads back what {@link encodeTransform} wrote, under the record's name and version. */
export function decodeTransform(name: string, version: number, body: string): StoredTransform {
  const { description, features, derived } = JSON.parse(body) as Omit<StoredTransform, "name" | "version">;
  return { name, version, description, features, derived };
}
