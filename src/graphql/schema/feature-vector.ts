import type { FeatureVector, VectorEntry } from "../../core/models.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";

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
      description: "False when the name is not a registered feature (its value is then null).",
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
  }),
});

/**
 * Starts loading one entity's vector through the request's DataLoader. Synchronous up to the
 * `load` call, so every field resolved in the same tick lands in the same batch.
 * @throws LIMIT_EXCEEDED past the request's read budget (a malformed entity id fails the returned promise).
 */
export function loadVector(
  ctx: GraphQLContext,
  entityId: string,
  featureNames: readonly string[],
  asOf?: Date,
): Promise<FeatureVector> {
  ctx.readBudget.take(1, featureNames.length);
  return ctx.loaders.vectors(featureNames, asOf).load(entityId);
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
      applyTransform: t.arg.boolean({
        defaultValue: false,
        description: "Apply the server's pre-serving transforms, when it has any.",
      }),
      asOf: t.arg({ type: "DateTime", description: AS_OF_DESCRIPTION }),
    },
    complexity: (args) => ({ field: Math.max(args.featureNames.length, 1), multiplier: 1 }),
    resolve: (_root, { entityId, featureNames, applyTransform, asOf }, ctx) => {
      const vector = loadVector(ctx, entityId, featureNames, asOf ?? undefined);
      return applyTransform ? vector.then((v) => ctx.service.transformed(v)) : vector;
    },
  }),
  vectors: t.field({
    type: [FeatureVectorRef],
    nullable: true,
    description: "The named features of several entities: one vector per id, in the order given.",
    args: {
      entityIds: t.arg.idList({ required: true }),
      featureNames: t.arg.stringList({ required: true }),
      applyTransform: t.arg.boolean({
        defaultValue: false,
        description: "Apply the server's pre-serving transforms, when it has any.",
      }),
      asOf: t.arg({ type: "DateTime", description: AS_OF_DESCRIPTION }),
    },
    complexity: (args) => ({
      field: Math.max(args.entityIds.length * args.featureNames.length, 1),
      multiplier: args.entityIds.length,
    }),
    resolve: (_root, { entityIds, featureNames, applyTransform, asOf }, ctx) => {
      ctx.readBudget.take(entityIds.length, featureNames.length);
      const loader = ctx.loaders.vectors(featureNames, asOf ?? undefined);
      const vectors = Promise.all(entityIds.map((id) => loader.load(id)));
      return applyTransform ? vectors.then((vs) => vs.map((v) => ctx.service.transformed(v))) : vectors;
    },
  }),
}));
