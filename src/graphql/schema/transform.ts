import type { FeatureData } from "../../core/models.js";
import { STEP_KIND_NAMES } from "../../transforms/steps/step-registry.js";
import type { TransformRegistration } from "../../transforms/transform-catalog.js";
import {
  type FitSample,
  referenceOf,
  type StepDeclaration,
  type StoredDerived,
  type StoredFeatureSteps,
  type StoredStep,
  type StoredTransform,
} from "../../transforms/transform-model.js";
import type { ValueShape } from "../../transforms/value-shape.js";
import { builder } from "../builder.js";
import { FeatureTypeEnum, ValueTypeEnum } from "./enums.js";

/** The built-in kinds of transform step. */
const TransformStepKindEnum = builder.enumType("TransformStepKind", {
  description:
    "A built-in transform step: STANDARDIZE (mean, std), MIN_MAX_SCALE (min, max), LOG1P, CLIP (min and/or max), BUCKETIZE (boundaries), ONE_HOT and LABEL_ENCODE (categories, or maxCategories to fit), FILL_DEFAULT (value), L2_NORMALIZE, HASH (buckets).",
  values: STEP_KIND_NAMES,
});

const ValueShapeRef = builder.objectRef<ValueShape>("ValueShape").implement({
  description: "The type of a step's values: what a model reading them sees.",
  fields: (t) => ({
    featureType: t.expose("featureType", { type: FeatureTypeEnum }),
    valueType: t.expose("valueType", { type: ValueTypeEnum }),
    dimension: t.exposeInt("dimension", {
      nullable: true,
      description: "The list length of an EMBEDDING output (one-hot, normalized embedding), when fixed.",
    }),
  }),
});

const TransformStepRef = builder.objectRef<StoredStep>("TransformStep").implement({
  description: "One step of a feature's chain, with its complete parameters.",
  fields: (t) => ({
    kind: t.field({
      type: TransformStepKindEnum,
      resolve: (step) => step.kind as (typeof STEP_KIND_NAMES)[number],
    }),
    parameters: t.field({
      type: "JSON",
      description:
        "The parameters the step runs with, given or fitted (for ONE_HOT, the category order of the output).",
      resolve: (step) => step.params,
    }),
    fitted: t.exposeStringList("fitted", {
      description:
        "The parameters fitted from the store's values at registration; empty when all were given.",
    }),
    output: t.field({
      type: ValueShapeRef,
      description: "The type of the step's output.",
      resolve: (s) => s.output,
    }),
  }),
});

const FitSampleRef = builder.objectRef<FitSample>("FitSample").implement({
  description: "The values a feature's fitted parameters were computed from.",
  fields: (t) => ({
    values: t.exposeInt("values", { description: "Live current values read, one per entity." }),
    complete: t.exposeBoolean("complete", {
      description: "False when the scan's bound was hit: the parameters come from a sample of the entities.",
    }),
  }),
});

const TransformFeatureRef = builder.objectRef<StoredFeatureSteps>("TransformFeature").implement({
  description: "A feature's chain of steps, applied in order.",
  fields: (t) => ({
    featureName: t.exposeString("featureName"),
    input: t.field({
      type: ValueShapeRef,
      description: "The feature's type: the first step's input.",
      resolve: (f) => f.input,
    }),
    steps: t.field({ type: [TransformStepRef], resolve: (f) => f.steps }),
    fittedOn: t.field({
      type: FitSampleRef,
      nullable: true,
      description: "What the fitted parameters were computed from; null when nothing was fitted.",
      resolve: (f) => f.fittedOn,
    }),
  }),
});

const DerivedFeatureRef = builder.objectRef<StoredDerived>("DerivedFeature").implement({
  description: "A feature computed from others of the same vector by an expression.",
  fields: (t) => ({
    name: t.exposeString("name"),
    expression: t.exposeString("expression"),
    featureType: t.expose("featureType", { type: FeatureTypeEnum }),
    valueType: t.expose("valueType", { type: ValueTypeEnum }),
    inputs: t.exposeStringList("inputs", {
      description: "The features and earlier derived features it reads.",
    }),
    description: t.exposeString("description", { nullable: true }),
  }),
});

const TransformRef = builder.objectRef<StoredTransform>("Transform").implement({
  description:
    "A registered version of a transform: steps per feature and derived features, never changed once stored, so `name@version` always means the same.",
  fields: (t) => ({
    name: t.exposeString("name"),
    version: t.exposeInt("version"),
    reference: t.string({ description: "`name@version`: what a model pins.", resolve: referenceOf }),
    description: t.exposeString("description", { nullable: true }),
    features: t.field({ type: [TransformFeatureRef], resolve: (tr) => tr.features }),
    derived: t.field({ type: [DerivedFeatureRef], resolve: (tr) => tr.derived }),
  }),
});

const TransformRegistrationRef = builder.objectRef<TransformRegistration>("TransformRegistration").implement({
  description: "What registerTransform did.",
  fields: (t) => ({
    transform: t.field({
      type: TransformRef,
      description: "The newest version now.",
      resolve: (r) => r.transform,
    }),
    created: t.exposeBoolean("created", {
      description:
        "False when the newest version already said exactly this (after fitting), and nothing was stored.",
    }),
  }),
});

const TransformStepInput = builder.inputType("TransformStepInput", {
  description:
    "One step: its kind and the parameters that kind takes (others are refused). A parameter the kind can fit, left out, is fitted from the store's current values at registration.",
  fields: (t) => ({
    kind: t.field({ type: TransformStepKindEnum, required: true }),
    mean: t.float(),
    std: t.float(),
    min: t.float(),
    max: t.float(),
    boundaries: t.floatList(),
    categories: t.field({
      type: ["JSON"],
      description: "Strings, integers or booleans, like the input's values.",
    }),
    maxCategories: t.int({
      description: "How many of the most frequent categories fitting keeps (default 100).",
    }),
    value: t.field({ type: "JSON", description: "FILL_DEFAULT's value, of the input's type." }),
    buckets: t.int(),
  }),
});

const TransformFeatureInput = builder.inputType("TransformFeatureInput", {
  description: "A feature's steps, applied in order.",
  fields: (t) => ({
    featureName: t.string({ required: true }),
    steps: t.field({ type: [TransformStepInput], required: true }),
  }),
});

const DerivedFeatureInput = builder.inputType("DerivedFeatureInput", {
  description:
    'A feature computed by an expression over the vector\'s served values and earlier derived features, such as "clicks_7d / max(sessions_30d, 1)".',
  fields: (t) => ({
    name: t.string({ required: true }),
    expression: t.string({ required: true }),
    featureType: t.field({ type: FeatureTypeEnum, required: true }),
    valueType: t.field({ type: ValueTypeEnum, required: true }),
    description: t.string(),
  }),
});

const TransformInput = builder.inputType("TransformInput", {
  description: "A transform to register as the next version of its name.",
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    features: t.field({ type: [TransformFeatureInput] }),
    derived: t.field({ type: [DerivedFeatureInput] }),
  }),
});

builder.queryFields((t) => ({
  transforms: t.field({
    type: [TransformRef],
    nullable: true,
    description:
      "The newest version of every transform, sorted by name; every version of `name`, oldest first, when it is given.",
    args: { name: t.arg.string() },
    resolve: (_root, { name }, ctx) => ctx.service.listTransforms(name ?? undefined),
  }),
  transform: t.field({
    type: TransformRef,
    nullable: true,
    description:
      "A version of a transform (the newest when `version` is omitted), or null when there is none.",
    args: { name: t.arg.string({ required: true }), version: t.arg.int() },
    resolve: (_root, { name, version }, ctx) => ctx.service.getTransform(name, version ?? undefined),
  }),
}));

builder.mutationFields((t) => ({
  registerTransform: t.field({
    type: TransformRegistrationRef,
    nullable: true,
    description:
      "Registers a transform: every step is checked against its feature's type, parameters left out are fitted from the store's current values, and the result is stored as the next version of the name (a no-op when the newest version is the same). VALIDATION_FAILED or FEATURE_NOT_FOUND store nothing.",
    args: { input: t.arg({ type: TransformInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const registration = await ctx.service.registerTransform({
        name: input.name,
        description: input.description,
        features: input.features?.map((f) => ({
          featureName: f.featureName,
          steps: f.steps.map(
            (s): StepDeclaration => ({
              ...s,
              // Checked by the step kind against the input's type.
              categories: s.categories as StepDeclaration["categories"],
              value: s.value as FeatureData | null | undefined,
            }),
          ),
        })),
        derived: input.derived,
      });
      ctx.loaders.forgetAll();
      return registration;
    },
  }),
}));
