import type { DefinitionVersion } from "../../core/definition-version.js";
import type { FeatureVector, StoredGroup } from "../../core/models.js";
import { builder } from "../builder.js";
import { GROUP_VECTOR_COST } from "../limits.js";
import { definitionFromInput, FeatureDefinitionInput, FeatureDefinitionRef } from "./feature-definition.js";
import { FeatureVectorRef, loadChosen, vectorReadArgs } from "./feature-vector.js";

/** A named set of features registered and read together. */
const FeatureGroupRef = builder.objectRef<StoredGroup>("FeatureGroup").implement({
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
      args: { entityId: t.arg.id({ required: true }), ...vectorReadArgs },
      complexity: { field: GROUP_VECTOR_COST, multiplier: 1 },
      resolve: async (group, args, ctx, info) =>
        (await loadChosen(ctx, args, [args.entityId], group.featureNames, info))[0] as FeatureVector,
    }),
  }),
});

function isDefinition(value: DefinitionVersion | Error | null): value is DefinitionVersion {
  if (value instanceof Error) throw value;
  return value !== null;
}

/** The input of `registerGroup`. */
const FeatureGroupInput = builder.inputType("FeatureGroupInput", {
  description: "A group to register together with all its features.",
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    tags: t.stringList(),
    features: t.field({ type: [FeatureDefinitionInput], required: true }),
  }),
});

builder.queryFields((t) => ({
  groups: t.field({
    type: [FeatureGroupRef],
    nullable: true,
    description: "Every registered group, sorted by name.",
    resolve: async (_root, _args, ctx) => {
      const groups = await ctx.service.listGroups();
      // Lookups of these groups later in the request (`group`, `groupVector`) need no read.
      for (const group of groups) ctx.loaders.group.prime(group.name, group);
      return groups;
    },
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
    nullable: true,
    description:
      "Every feature of a group for one entity. GROUP_NOT_FOUND for an unknown group, VALIDATION_FAILED for a malformed name.",
    args: {
      entityId: t.arg.id({ required: true }),
      groupName: t.arg.string({ required: true }),
      ...vectorReadArgs,
    },
    complexity: { field: GROUP_VECTOR_COST, multiplier: 1 },
    resolve: async (_root, args, ctx, info) => {
      // The request's loader finds the group, batched with the other group lookups so that the
      // vector reads that follow share one batch too; when it finds none, the service says why
      // (VALIDATION_FAILED for a malformed name, else GROUP_NOT_FOUND).
      const { groupName } = args;
      const group = (await ctx.loaders.group.load(groupName)) ?? (await ctx.service.requireGroup(groupName));
      return (await loadChosen(ctx, args, [args.entityId], group.featureNames, info))[0] as FeatureVector;
    },
  }),
}));

builder.mutationFields((t) => ({
  registerGroup: t.field({
    type: FeatureGroupRef,
    nullable: true,
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
