import { GroupNotFoundError } from "../../core/errors.js";
import type { NormalizedDefinition, StoredGroup } from "../../core/models.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";
import { GROUP_VECTOR_COST } from "../limits.js";
import { definitionFromInput, FeatureDefinitionInput, FeatureDefinitionRef } from "./feature-definition.js";
import { FeatureVectorRef, loadVector } from "./feature-vector.js";

/** A named set of features registered and read together. */
export const FeatureGroupRef = builder.objectRef<StoredGroup>("FeatureGroup").implement({
  description: "A named set of features registered and read together.",
  fields: (t) => ({
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    tags: t.exposeStringList("tags"),
    featureNames: t.exposeStringList("featureNames", { description: "The group's features, in order." }),
    features: t.field({
      type: [FeatureDefinitionRef],
      description: "The group's feature definitions, in order.",
      resolve: async (group, _args, ctx) =>
        (await ctx.loaders.definition.loadMany(group.featureNames)).filter(isDefinition),
    }),
    vector: t.field({
      type: FeatureVectorRef,
      description: "Every feature of the group for one entity.",
      args: { entityId: t.arg.id({ required: true }) },
      complexity: { field: GROUP_VECTOR_COST, multiplier: 1 },
      resolve: (group, { entityId }, ctx) => loadVector(ctx, entityId, group.featureNames),
    }),
  }),
});

function isDefinition(value: NormalizedDefinition | Error | null): value is NormalizedDefinition {
  if (value instanceof Error) throw value;
  return value !== null;
}

/** The input of `registerGroup`. */
export const FeatureGroupInput = builder.inputType("FeatureGroupInput", {
  description: "A group to register together with all its features.",
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    tags: t.stringList(),
    features: t.field({ type: [FeatureDefinitionInput], required: true }),
  }),
});

async function requireGroup(ctx: GraphQLContext, groupName: string): Promise<StoredGroup> {
  const group = await ctx.loaders.group.load(groupName);
  if (!group) throw new GroupNotFoundError(groupName);
  return group;
}

builder.queryFields((t) => ({
  groups: t.field({
    type: [FeatureGroupRef],
    description: "Every registered group, sorted by name.",
    resolve: (_root, _args, ctx) => ctx.service.listGroups(),
  }),
  group: t.field({
    type: FeatureGroupRef,
    nullable: true,
    description: "A group by name, or null when there is none.",
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => ctx.loaders.group.load(name),
  }),
  groupVector: t.field({
    type: FeatureVectorRef,
    description: "Every feature of a group for one entity. GROUP_NOT_FOUND for an unknown group.",
    args: {
      entityId: t.arg.id({ required: true }),
      groupName: t.arg.string({ required: true }),
    },
    complexity: { field: GROUP_VECTOR_COST, multiplier: 1 },
    resolve: async (_root, { entityId, groupName }, ctx) =>
      loadVector(ctx, entityId, (await requireGroup(ctx, groupName)).featureNames),
  }),
}));

builder.mutationFields((t) => ({
  registerGroup: t.field({
    type: FeatureGroupRef,
    description:
      "Registers a group and all its features: every definition is checked first, so a group with one bad or conflicting feature registers nothing.",
    args: { input: t.arg({ type: FeatureGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const stored = await ctx.service.registerGroup({
        name: input.name,
        description: input.description,
        tags: input.tags ?? undefined,
        features: input.features.map(definitionFromInput),
      });
      ctx.loaders.forgetAll();
      return stored;
    },
  }),
}));
