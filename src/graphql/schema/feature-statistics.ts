import type { FeatureCoverage, FeatureStatistics, NumberSummary } from "../../store/feature-statistics.js";
import { builder } from "../builder.js";
import { COVERAGE_COST, STATISTICS_COST } from "../limits.js";
import { FeatureDefinitionRef } from "./feature-definition.js";

const COUNTS = {
  live: "Entities whose entry in force now holds a live value (served as stored).",
  expired: "Entities whose value in force now is past its TTL (served the default).",
  deleted: "Entities whose entry in force now is a deletion (served the default).",
  defaultShare:
    "(expired + deleted) / (live + expired + deleted): the share of the entities with an entry that are served the default; null when none has an entry.",
  lastWriteAt:
    "The greatest event time of any kept entry of the feature (values and deletions); null when it has none.",
  complete:
    "False when the backend has no index of a feature's entities (Redis) and its bounded scan (100,000 entities) stopped first: the figures then describe a sample.",
};

const StatisticsMeasureEnum = builder.enumType("StatisticsMeasure", {
  description: "What `FeatureStatistics.numbers` summarizes.",
  values: {
    VALUE: { description: "The value itself: NUMERIC, and TIMESTAMP INT (epoch milliseconds)." },
    NORM: { description: "An EMBEDDING's L2 norm." },
    LENGTH: { description: "A STRING value's length in characters (Unicode code points)." },
  },
});

const HistogramBinRef = builder.objectRef<NumberSummary["histogram"][number]>("HistogramBin").implement({
  description:
    "One bin of a histogram: values from `lower` (inclusive) to `upper` (exclusive, except the last bin).",
  fields: (t) => ({
    lower: t.exposeFloat("lower"),
    upper: t.exposeFloat("upper"),
    count: t.exposeInt("count"),
  }),
});

const NumberSummaryRef = builder.objectRef<NumberSummary>("NumberSummary").implement({
  description: "A summary of numbers: count, extremes, mean, population standard deviation, histogram.",
  fields: (t) => ({
    count: t.exposeInt("count"),
    min: t.exposeFloat("min", { nullable: true }),
    max: t.exposeFloat("max", { nullable: true }),
    mean: t.exposeFloat("mean", { nullable: true }),
    stddev: t.exposeFloat("stddev", { nullable: true, description: "Population standard deviation." }),
    histogram: t.field({
      type: [HistogramBinRef],
      description:
        "Equal-width bins from min to max (`bins` of them); one bin when min = max; empty when count = 0.",
      resolve: (s) => s.histogram,
    }),
  }),
});

const ValueCountRef = builder.objectRef<FeatureStatistics["topValues"][number]>("ValueCount").implement({
  description: "A value and how many entities hold it.",
  fields: (t) => ({
    value: t.field({ type: "JSON", resolve: (v) => v.value }),
    count: t.exposeInt("count"),
  }),
});

const WriteBucketRef = builder.objectRef<FeatureStatistics["writes"][number]>("WriteBucket").implement({
  description:
    "Kept entries of a feature whose event time falls in [start, end) (the last bucket includes `end`).",
  fields: (t) => ({
    start: t.field({ type: "DateTime", resolve: (b) => b.start }),
    end: t.field({ type: "DateTime", resolve: (b) => b.end }),
    values: t.exposeInt("values", { description: "Value writes dated in the bucket." }),
    deletions: t.exposeInt("deletions", { description: "Deletions dated in the bucket." }),
  }),
});

const FeatureCoverageRef = builder.objectRef<FeatureCoverage>("FeatureCoverage").implement({
  description: "How many entities hold a value of a feature now, and when it was last written.",
  fields: (t) => ({
    live: t.exposeInt("live", { description: COUNTS.live }),
    expired: t.exposeInt("expired", { description: COUNTS.expired }),
    deleted: t.exposeInt("deleted", { description: COUNTS.deleted }),
    defaultShare: t.exposeFloat("defaultShare", { nullable: true, description: COUNTS.defaultShare }),
    lastWriteAt: t.field({
      type: "DateTime",
      nullable: true,
      description: COUNTS.lastWriteAt,
      resolve: (c) => c.lastWriteAt,
    }),
    complete: t.exposeBoolean("complete", { description: COUNTS.complete }),
  }),
});

const FeatureStatisticsRef = builder.objectRef<FeatureStatistics>("FeatureStatistics").implement({
  description:
    "Statistics of a feature's values in force now: per entity the entry with the greatest event time at or before now (an entry dated ahead is not in force yet), TTL judged now.",
  fields: (t) => ({
    featureName: t.exposeString("featureName"),
    computedAt: t.field({
      type: "DateTime",
      description: "The instant the statistics describe.",
      resolve: (s) => s.computedAt,
    }),
    complete: t.exposeBoolean("complete", { description: COUNTS.complete }),
    live: t.exposeInt("live", { description: COUNTS.live }),
    expired: t.exposeInt("expired", { description: COUNTS.expired }),
    deleted: t.exposeInt("deleted", { description: COUNTS.deleted }),
    defaultShare: t.exposeFloat("defaultShare", { nullable: true, description: COUNTS.defaultShare }),
    lastWriteAt: t.field({
      type: "DateTime",
      nullable: true,
      description: COUNTS.lastWriteAt,
      resolve: (s) => s.lastWriteAt,
    }),
    distinctValues: t.exposeInt("distinctValues", {
      nullable: true,
      description: "Distinct live values; null for EMBEDDING, and when `topValues` was 0.",
    }),
    topValues: t.field({
      type: [ValueCountRef],
      description:
        "The most frequent live values, most frequent first, ties in code point order of their JSON; empty for EMBEDDING.",
      resolve: (s) => s.topValues,
    }),
    trueShare: t.exposeFloat("trueShare", {
      nullable: true,
      description: "BOOLEAN: the share of live values that are true; null otherwise or when there is none.",
    }),
    measure: t.field({
      type: StatisticsMeasureEnum,
      nullable: true,
      description: "What `numbers` summarizes; null when nothing numeric (BOOL, LIST, DICT values).",
      resolve: (s) => s.measure,
    }),
    numbers: t.field({
      type: NumberSummaryRef,
      nullable: true,
      description: "The summary of `measure` over the live values; null when `measure` is null.",
      resolve: (s) => s.numbers,
    }),
    dimension: t.exposeInt("dimension", {
      nullable: true,
      description: "EMBEDDING: the definition's dimension.",
    }),
    earliest: t.field({
      type: "DateTime",
      nullable: true,
      description: "TIMESTAMP INT: the earliest live value as an instant.",
      resolve: (s) => s.earliest,
    }),
    latest: t.field({
      type: "DateTime",
      nullable: true,
      description: "TIMESTAMP INT: the latest live value as an instant.",
      resolve: (s) => s.latest,
    }),
    writes: t.field({
      type: [WriteBucketRef],
      description:
        "Kept entries per time bucket by event time, values and deletions apart; empty when the feature has none. Redis keeps the newest entries per key only, and counts the entities its scan saw.",
      resolve: (s) => s.writes,
    }),
  }),
});

builder.queryFields((t) => ({
  featureStatistics: t.field({
    type: FeatureStatisticsRef,
    nullable: true,
    description: `Statistics of a feature's values in force now, computed by the backend (SQL aggregates on SQLite and PostgreSQL, a scan of at most 100,000 entities on Redis, a pass in memory). Costs ${STATISTICS_COST}. FEATURE_NOT_FOUND for an unregistered feature; VALIDATION_FAILED for an argument out of range or writesSince after writesUntil.`,
    args: {
      featureName: t.arg.string({ required: true }),
      bins: t.arg.int({ defaultValue: 20, description: "Histogram bins of `numbers`, 1..100." }),
      topValues: t.arg.int({
        defaultValue: 10,
        description: "How many of the most frequent values to list, 0..100.",
      }),
      writeBuckets: t.arg.int({ defaultValue: 30, description: "Buckets of `writes`, 1..500." }),
      writesSince: t.arg({
        type: "DateTime",
        description: "Start of the `writes` window; default: the feature's first entry.",
      }),
      writesUntil: t.arg({
        type: "DateTime",
        description: "End of the `writes` window; default: the feature's last entry.",
      }),
    },
    complexity: { field: STATISTICS_COST, multiplier: 1 },
    resolve: (_root, args, ctx) =>
      ctx.service.featureStatistics(args.featureName, {
        bins: args.bins ?? undefined,
        topValues: args.topValues ?? undefined,
        writeBuckets: args.writeBuckets ?? undefined,
        writesSince: args.writesSince ?? undefined,
        writesUntil: args.writesUntil ?? undefined,
      }),
  }),
}));

builder.objectField(FeatureDefinitionRef, "coverage", (t) =>
  t.field({
    type: FeatureCoverageRef,
    description: `How many entities hold a value of the feature now, and when it was last written: what a catalog shows, without the value aggregates of featureStatistics. Batched per request. Costs ${COVERAGE_COST}.`,
    complexity: COVERAGE_COST,
    resolve: (def, _args, ctx) => ctx.loaders.coverage.load(def.name),
  }),
);
