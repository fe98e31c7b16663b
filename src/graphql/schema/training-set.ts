import { ValidationError } from "../../core/errors.js";
import { transformChoiceOf } from "../../service.js";
import type { TrainingRow } from "../../store/training-set.js";
import { builder } from "../builder.js";
import { VectorEntryRef } from "./feature-vector.js";

/** One entity row of a training set, as a client sends it. */
const EntityRowInput = builder.inputType("EntityRowInput", {
  description:
    "An entity and the instant its features are wanted at, with columns (labels, weights) to pass through.",
  fields: (t) => ({
    entityId: t.id({ required: true }),
    timestamp: t.field({ type: "DateTime", required: true }),
    columns: t.field({
      type: "JSON",
      description: "A JSON object returned unchanged beside the features (labels, weights).",
    }),
  }),
});

/** One row of a training set. */
const TrainingRowRef = builder.objectRef<TrainingRow>("TrainingRow").implement({
  description: "An entity row and each feature's value as it was known at the row's instant, never later.",
  fields: (t) => ({
    entityId: t.exposeID("entityId"),
    timestamp: t.field({ type: "DateTime", resolve: (row) => row.timestamp }),
    columns: t.field({
      type: "JSON",
      description: "The row's columns, as sent (an empty object when none were).",
      resolve: (row) => row.columns,
    }),
    values: t.field({
      type: "JSON",
      description:
        "Feature name -> value in force at the row's instant, else the default, in the order asked for.",
      resolve: (row) => row.values,
    }),
    features: t.field({
      type: [VectorEntryRef],
      description:
        "The same features with the version and event time each value came from (then a transform's derived features).",
      resolve: (row) => row.entries,
    }),
    transform: t.string({
      nullable: true,
      description:
        "`name@version` of the stored transform the row was read through, the same code `vector(transform:)` runs; null when none was.",
      resolve: (row) => row.transform ?? null,
    }),
  }),
});

builder.queryFields((t) => ({
  trainingSet: t.field({
    type: [TrainingRowRef],
    nullable: true,
    description:
      "A point-in-time join for a set that fits a request: per row and feature, the value with the greatest event time at or before the row's timestamp (ties: the higher version), TTL judged then; a missing, deleted or expired value is the default, flagged. Rows in the order sent. With `transform`, each row goes through that stored transform exactly as `vector(asOf:, transform:)` would serve it at the row's instant, its derived features last. Counted like `vectors` (rows x features read). For larger sets, POST /training-set streams files.",
    args: {
      rows: t.arg({ type: [EntityRowInput], required: true }),
      featureNames: t.arg.stringList({ required: true }),
      transform: t.arg.string({
        description:
          'The stored transform each row goes through, as `vector(transform:)` applies it: "name@version", or "name" for its newest version. Its derived features follow the features asked for. Not together with applyTransform.',
      }),
      applyTransform: t.arg.boolean({
        defaultValue: false,
        description:
          "Read each row through the server's default stored transform, when it has one (a code-defined one is refused: a training set must say what produced it).",
      }),
    },
    complexity: (args) => ({
      field: Math.max(args.rows.length * args.featureNames.length, 1),
      multiplier: args.rows.length,
    }),
    resolve: async (_root, { rows, featureNames, transform, applyTransform }, ctx) => {
      const chosen = await ctx.service.trainingTransform(
        transformChoiceOf({ transform, applyTransform }),
        featureNames,
      );
      // Like a vector's, the features a transform's derived features read count too.
      ctx.readBudget.take(rows.length, chosen ? chosen.readNames(featureNames).length : featureNames.length);
      const entityRows = rows.map(({ entityId, timestamp, columns }, i) => {
        if (
          columns !== null &&
          columns !== undefined &&
          (typeof columns !== "object" || Array.isArray(columns))
        ) {
          throw new ValidationError(`row ${i}: columns must be a JSON object`, { row: i });
        }
        if (columns && (Object.hasOwn(columns, "entityId") || Object.hasOwn(columns, "timestamp"))) {
          throw new ValidationError(`row ${i}: columns may not be named entityId or timestamp`, { row: i });
        }
        return { ...(columns as Record<string, unknown> | null), entityId: String(entityId), timestamp };
      });
      const out: TrainingRow[] = [];
      for await (const chunk of ctx.service.trainingSet(entityRows, featureNames, {
        transform: chosen?.reference ?? false,
      }))
        out.push(...chunk);
      return out;
    },
  }),
}));
