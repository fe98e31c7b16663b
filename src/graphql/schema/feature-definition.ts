import type { DefinitionVersion } from "../../core/definition-version.js";
import type { DefinitionChanges, FeatureData, FeatureDefinition } from "../../core/models.js";
import { builder } from "../builder.js";
import { FeatureTypeEnum, ValueTypeEnum } from "./enums.js";

/** A registered feature's schema. */
export const FeatureDefinitionRef = builder.objectRef<DefinitionVersion>("FeatureDefinition");

FeatureDefinitionRef.implement({
  description:
    "A registered feature: its name, its types, the default served when no live value exists. One version of its definition: description, tags, TTL and default can change as a new version (updateFeature); reads as of a time use the version in force then.",
  fields: (t) => ({
    version: t.exposeInt("version", {
      description: "1 for the definition as registered, one more for each change after it.",
    }),
    validFrom: t.field({
      type: "DateTime",
      nullable: true,
      description: "When this version came into force; null for version 1, in force from the beginning.",
      resolve: (def) => (def.validFromMs === null ? null : new Date(def.validFromMs)),
    }),
    versions: t.field({
      type: [FeatureDefinitionRef],
      description: "Every version of this feature's definition, oldest first.",
      resolve: (def, _args, ctx) => ctx.service.store.definitionVersions(def.name),
    }),
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

/** The input of `updateFeature`: a feature's name and the mutable fields to change. */
export const FeatureUpdateInput = builder.inputType("FeatureUpdateInput", {
  description:
    "Changes to a registered feature's mutable fields, stored as its next definition version. A field left out keeps its value; null clears it. Types and dimension cannot change: register a new feature name instead.",
  fields: (t) => ({
    name: t.string({ required: true }),
    defaultValue: t.field({ type: "JSON" }),
    tags: t.stringList(),
    ttlSeconds: t.int(),
    description: t.string(),
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
    description:
      "A feature by name (its newest definition, or exactly `version`), or null when there is no such feature or version.",
    args: { name: t.arg.string({ required: true }), version: t.arg.int() },
    resolve: (_root, { name, version }, ctx) =>
      version == null ? ctx.loaders.definition.load(name) : ctx.service.store.getDefinition(name, version),
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
  updateFeature: t.field({
    type: FeatureDefinitionRef,
    nullable: true,
    description:
      "Changes a feature's description, tags, TTL or default as its next definition version, in force from now; earlier versions stay readable and in force for reads as of earlier times. No change is a no-op. A change of type or dimension is not possible (INCOMPATIBLE_CHANGE): register a new feature name.",
    args: { input: t.arg({ type: FeatureUpdateInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const changes: DefinitionChanges = {};
      // Left out keeps the value, null clears it: GraphQL tells the two apart, so keep them apart.
      if (input.description !== undefined) changes.description = input.description;
      if (input.tags !== undefined) changes.tags = input.tags;
      if (input.ttlSeconds !== undefined) changes.ttlSeconds = input.ttlSeconds;
      if (input.defaultValue !== undefined) changes.defaultValue = input.defaultValue as FeatureData | null;
      const stored = await ctx.service.updateFeature(input.name, changes);
      ctx.loaders.forgetAll();
      return stored;
    },
  }),
}));
