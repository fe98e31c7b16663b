import type { FeatureData, FeatureDefinition, NormalizedDefinition } from "../../core/models.js";
import { builder } from "../builder.js";
import { FeatureTypeEnum, ValueTypeEnum } from "./enums.js";

/** A registered feature's schema. */
export const FeatureDefinitionRef = builder.objectRef<NormalizedDefinition>("FeatureDefinition").implement({
  description: "A registered feature: its name, its types, the default served when no live value exists.",
  fields: (t) => ({
    name: t.exposeString("name"),
    featureType: t.expose("featureType", { type: FeatureTypeEnum }),
    valueType: t.expose("valueType", { type: ValueTypeEnum }),
    defaultValue: t.field({
      type: "JSON",
      nullable: true,
      description: "Served by vector reads when no live value exists (missing, deleted or expired).",
      resolve: (def) => def.defaultValue,
    }),
    tags: t.exposeStringList("tags"),
    ttlSeconds: t.exposeInt("ttlSeconds", {
      nullable: true,
      description: "A value whose event time is older than this many seconds is expired.",
    }),
    description: t.exposeString("description", { nullable: true }),
    dimension: t.exposeInt("dimension", {
      nullable: true,
      description: "For EMBEDDING features: the number of components every value has.",
    }),
  }),
});

/** The input of `registerFeature`, with the field names of `FeatureDefinition`. */
export const FeatureDefinitionInput = builder.inputType("FeatureDefinitionInput", {
  description: "A feature to register; the same fields as FeatureDefinition.",
  fields: (t) => ({
    name: t.string({ required: true }),
    featureType: t.field({ type: FeatureTypeEnum, required: true }),
    valueType: t.field({ type: ValueTypeEnum, required: true }),
    defaultValue: t.field({ type: "JSON" }),
    tags: t.stringList(),
    ttlSeconds: t.int(),
    description: t.string(),
    dimension: t.int(),
  }),
});

/** The shape GraphQL hands over for a {@link FeatureDefinitionInput}. */
export type FeatureDefinitionInputShape = typeof FeatureDefinitionInput.$inferInput;

/** Turns the GraphQL input into the library's definition; the store validates every field. */
export function definitionFromInput(input: FeatureDefinitionInputShape): FeatureDefinition {
  return {
    name: input.name,
    featureType: input.featureType,
    valueType: input.valueType,
    // Checked against valueType by the store before anything is registered.
    defaultValue: input.defaultValue as FeatureData | null | undefined,
    tags: input.tags ?? undefined,
    ttlSeconds: input.ttlSeconds,
    description: input.description,
    dimension: input.dimension,
  };
}

builder.queryFields((t) => ({
  features: t.field({
    type: [FeatureDefinitionRef],
    nullable: true,
    description: "Every registered feature, sorted by name; only those carrying `tag` when it is given.",
    args: { tag: t.arg.string() },
    resolve: async (_root, { tag }, ctx) => {
      const all = await ctx.service.listFeatures();
      // Later lookups of these names in the request (groups' features, `feature`) need no read.
      for (const def of all) ctx.loaders.definition.prime(def.name, def);
      return tag == null ? all : all.filter((def) => def.tags.includes(tag));
    },
  }),
  feature: t.field({
    type: FeatureDefinitionRef,
    nullable: true,
    description: "A feature by name, or null when it is not registered.",
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => ctx.loaders.definition.load(name),
  }),
}));

builder.mutationFields((t) => ({
  registerFeature: t.field({
    type: FeatureDefinitionRef,
    nullable: true,
    description:
      "Registers a feature. Registering an identical definition again is a no-op; a different one under the same name is a CONFLICT.",
    args: { input: t.arg({ type: FeatureDefinitionInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const stored = await ctx.service.registerFeature(definitionFromInput(input));
      // A name that read as unregistered earlier in this request now has a definition.
      ctx.loaders.forgetAll();
      return stored;
    },
  }),
}));
