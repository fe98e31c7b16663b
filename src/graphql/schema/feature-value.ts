import type { FeatureValue } from "../../core/models.js";
import type { ValueChange } from "../../store/changes/change-feed.js";
import { builder } from "../builder.js";
import type { GraphQLContext } from "../context.js";

/** One stored value of one feature for one entity. */
export const FeatureValueRef = builder.objectRef<FeatureValue>("FeatureValue").implement({
  description: "One stored value of one feature for one entity, with its version.",
  fields: (t) => ({
    featureName: t.exposeString("featureName"),
    entityId: t.exposeID("entityId"),
    value: t.field({ type: "JSON", resolve: (v) => v.value }),
    version: t.exposeInt("version", {
      description: "1 for the first write of this (feature, entity), one more for each write after it.",
    }),
    timestamp: t.field({
      type: "DateTime",
      description: "The event time the value was written with.",
      resolve: (v) => v.timestamp,
    }),
    ageSeconds: t.exposeFloat("ageSeconds", {
      description: "Seconds between the event time and the moment of the read.",
    }),
  }),
});

builder.queryFields((t) => ({
  value: t.field({
    type: FeatureValueRef,
    nullable: true,
    description:
      "The current value, an exact `version`, or the value in force `asOf` an instant (give at most one of the two). Null when there is no live value.",
    args: {
      featureName: t.arg.string({ required: true }),
      entityId: t.arg.id({ required: true }),
      version: t.arg.int(),
      asOf: t.arg({ type: "DateTime" }),
    },
    resolve: (_root, { featureName, entityId, version, asOf }, ctx) =>
      ctx.service.getValue(featureName, entityId, {
        version: version ?? undefined,
        asOf: asOf ?? undefined,
      }),
  }),
  history: t.field({
    type: [FeatureValueRef],
    nullable: true,
    description:
      "Every value ever written for the feature and entity, in version order (deletions left out).",
    args: {
      featureName: t.arg.string({ required: true }),
      entityId: t.arg.id({ required: true }),
    },
    resolve: (_root, { featureName, entityId }, ctx) => ctx.service.history(featureName, entityId),
  }),
}));

builder.mutationFields((t) => ({
  deleteValue: t.boolean({
    nullable: true,
    description:
      "Deletes the current value: reads fall back to the default, reads `asOf` an earlier instant still see it. True when there was a value to delete.",
    args: {
      featureName: t.arg.string({ required: true }),
      entityId: t.arg.id({ required: true }),
    },
    resolve: async (_root, { featureName, entityId }, ctx) => {
      const deleted = await ctx.service.deleteValue(featureName, entityId);
      ctx.loaders.forgetEntity(entityId);
      if (deleted) ctx.events.publishDeletion(featureName, entityId, ctx.log);
      return deleted;
    },
  }),
}));

/**
 * The values of the changes a subscriber's queue yields. A change announced without its value
 * is read back from the store: the exact version when the change names one (a value too large
 * for a distributed pubsub's messages), else the current value (a deletion, which leaves none
 * to send, or a change published without one). Not an async generator: a generator waiting for
 * the next change would handle `return()` only once that change came, while this one passes it
 * on at once, so a client that leaves frees its subscription immediately.
 */
function watchValues(
  changes: AsyncIterator<ValueChange, unknown>,
  ctx: GraphQLContext,
): AsyncIterableIterator<FeatureValue> {
  const iterator: AsyncIterableIterator<FeatureValue> = {
    async next() {
      for (;;) {
        const step = await changes.next();
        if (step.done) return { done: true, value: undefined };
        const change = step.value;
        const value =
          change.value ??
          (await ctx.service.getValue(
            change.featureName,
            change.entityId,
            change.version === undefined ? {} : { version: change.version },
          ));
        if (value) return { done: false, value };
      }
    },
    async return() {
      await changes.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

builder.subscriptionFields((t) => ({
  valueChanged: t.field({
    type: FeatureValueRef,
    description:
      "Each value written from now on (by ingest or ingestBatch), for the given features and entities (all when omitted). Deletions are not sent: they leave no value.",
    args: {
      featureNames: t.arg.stringList({ description: "Only these features; every feature when omitted." }),
      entityIds: t.arg.idList({ description: "Only these entities; every entity when omitted." }),
    },
    // Listening starts here, before the response, so no write after the subscription is missed.
    subscribe: (_root, { featureNames, entityIds }, ctx) =>
      watchValues(ctx.events.changes({ featureNames, entityIds }), ctx),
    resolve: (value) => value,
  }),
}));
