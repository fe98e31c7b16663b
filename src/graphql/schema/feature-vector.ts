import type { GraphQLResolveInfo } from "graphql";
import type { FeatureVector, VectorEntry } from "../../core/models.js";
import { transformChoiceOf } from "../../service.js";
import type { VectorTransform } from "../../transforms/vector-transform.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { selectsField } from "../field-selection.js";

/** One feature's slot in a vector or a training row. */
export const VectorEntryRef = builder.objectRef<VectorEntry>("VectorEntry").implement({
  description: "One feature of a vector: the value served and where it came from.",
  fields: (t) => ({
    featureName: t.exposeString("featureName"),
    value: t.field({
      type: "JSON",
      nullable: true,
      description: "The live value, else the feature's default, else null.",
      resolve: (entry) => entry.value,
    }),
    version: t.exposeInt("version", {
      nullable: true,
      description: "The version served; null when the default (or nothing) was served.",
    }),
    timestamp: t.field({
      type: "DateTime",
      nullable: true,
      description: "The served value's event time; null for a default.",
      resolve: (entry) => (entry.eventTimeMs === null ? null : new Date(entry.eventTimeMs)),
    }),
    usedDefault: t.exposeBoolean("usedDefault", {
      description: "True when no live value existed and the feature's default stood in.",
    }),
    registered: t.exposeBoolean("registered", {
      description:
        "False when the name is not a registered feature: an unregistered name (its value is then null), or a feature derived by a transform.",
    }),
    transform: t.string({
      nullable: true,
      description: "`name@version` of the stored transform that produced this value; null when none did.",
      resolve: (entry) => entry.transform ?? null,
    }),
    historyTrimmed: t.boolean({
      description:
        "True when the answer as of the instant asked for may lie in history the backend has trimmed: the value is then null, neither stored nor the default, since the true one is unknown.",
      resolve: (entry) => entry.historyTrimmed === true,
    }),
  }),
});

/** The `asOf` argument of the vector fields. */
export const AS_OF_DESCRIPTION =
  "Read as of this instant: per feature the value with the greatest event time at or before it (ties: the higher version), TTL judged then. Default: now, the same rule at the moment of reading.";

/** Several features of one entity, read together. */
export const FeatureVectorRef = builder.objectRef<FeatureVector>("FeatureVector").implement({
  description: "Several features of one entity, read together.",
  fields: (t) => ({
    entityId: t.exposeID("entityId"),
    values: t.field({
      type: "JSON",
      description: "Feature name -> served value, in the order asked for.",
      resolve: (vector) => vector.values,
    }),
    features: t.field({
      type: [VectorEntryRef],
      description: "The same features with their versions and whether the default was used.",
      resolve: (vector) => vector.entries,
    }),
    transform: t.string({
      nullable: true,
      description:
        "`name@version` of the stored transform applied to this vector; null when none was (or the server's code-defined one was).",
      resolve: (vector) => vector.transform ?? null,
    }),
  }),
});

/** The arguments of every vector field that say how to read: as of when, and through which transform. */
export interface VectorReadArgs {
  readonly applyTransform?: boolean | null;
  readonly transform?: string | null;
  readonly asOf?: Date | null;
}

/** The `asOf`, `applyTransform` and `transform` arguments of every vector field. */
export const vectorReadArgs = builder.args((t) => ({
  asOf: t.field({ type: "DateTime", description: AS_OF_DESCRIPTION }),
  applyTransform: t.boolean({
    defaultValue: false,
    description:
      "Apply the server's default transform, when it has one (the stored transform its settings name, or a code-defined one).",
  }),
  transform: t.string({
    description:
      'The stored transform to apply: "name@version", or "name" for its newest version. Its derived features follow the features asked for; each entry it produced says so in `transform`. Not together with applyTransform.',
  }),
}));

/**
 * The transform the arguments choose, or undefined (synchronously) when they choose none, so
 * that untransformed reads reach their DataLoader in the same tick as before.
 * @throws ValidationError when both arguments are given.
 */
export function chosenTransform(
  ctx: GraphQLContext,
  args: VectorReadArgs,
): Promise<VectorTransform | undefined> | undefined {
  const choice = transformChoiceOf(args);
  return choice === false ? undefined : ctx.loaders.transform(choice);
}

/**
 * Starts loading vectors through the request's DataLoader, in order: the features a transform
 * needs beyond those asked for are read (and counted against the read budget) too. Synchronous
 * up to the `load` calls, so every field resolved in the same tick lands in the same batch.
 * `valuesOnly` (never with a transform, which reads the entries) builds no entries.
 * @throws LIMIT_EXCEEDED past the request's read budget (a malformed entity id fails its own vector).
 */
function loadVectors(
  ctx: GraphQLContext,
  entityIds: readonly string[],
  featureNames: readonly string[],
  transform: VectorTransform | undefined,
  asOf: Date | undefined,
  valuesOnly: boolean,
): Promise<FeatureVector[]> {
  const names = transform ? transform.readNames(featureNames) : featureNames;
  ctx.readBudget.take(entityIds.length, names.length);
  const loader = ctx.loaders.vectors(names, asOf, valuesOnly && !transform);
  const vectors = Promise.all(entityIds.map((id) => loader.load(id)));
  return transform ? vectors.then((vs) => vs.map((v) => transform.apply(v, featureNames.length))) : vectors;
}

/**
 * Loads vectors as the arguments say (as of when, through which transform): batched with every
 * other read of the tick. `info` is the resolving field's: when it does not select `features`,
 * the vectors are read without their entries.
 */
export function loadChosen(
  ctx: GraphQLContext,
  args: VectorReadArgs,
  entityIds: readonly string[],
  featureNames: readonly string[],
  info: GraphQLResolveInfo,
): Promise<FeatureVector[]> {
  const asOf = args.asOf ?? undefined;
  const valuesOnly = !selectsField(info, "features");
  const chosen = chosenTransform(ctx, args);
  return chosen
    ? chosen.then((t) => loadVectors(ctx, entityIds, featureNames, t, asOf, valuesOnly))
    : loadVectors(ctx, entityIds, featureNames, undefined, asOf, valuesOnly);
}

builder.queryFields((t) => ({
  vector: t.field({
    type: FeatureVectorRef,
    nullable: true,
    description:
      "The named features of one entity. A missing, deleted or expired value is replaced by the feature's default; an unregistered name reads as null.",
    args: {
      entityId: t.arg.id({ required: true }),
      featureNames: t.arg.stringList({ required: true }),
      ...vectorReadArgs,
    },
    complexity: (args) => ({ field: Math.max(args.featureNames.length, 1), multiplier: 1 }),
    resolve: async (_root, args, ctx, info) => {
      const [vector] = await loadChosen(ctx, args, [args.entityId], args.featureNames, info);
      return vector as FeatureVector;
    },
  }),
  vectors: t.field({
    type: [FeatureVectorRef],
    nullable: true,
    description: "The named features of several entities: one vector per id, in the order given.",
    args: {
      entityIds: t.arg.idList({ required: true }),
      featureNames: t.arg.stringList({ required: true }),
      ...vectorReadArgs,
    },
    complexity: (args) => ({
      field: Math.max(args.entityIds.length * args.featureNames.length, 1),
      multiplier: args.entityIds.length,
    }),
    resolve: (_root, args, ctx, info) => loadChosen(ctx, args, args.entityIds, args.featureNames, info),
  }),
}));
