import type { FeatureValue } from "../../core/models.js";
import type { BatchReport } from "../../service.js";
import { builder } from "../builder.js";
import { FeatureValueRef } from "./feature-value.js";

/** What `ingest` wrote. */
interface IngestResult {
  entityId: string;
  values: FeatureValue[];
}

const IngestResultRef = builder.objectRef<IngestResult>("IngestResult").implement({
  description: "The values one ingest wrote, with the versions they got.",
  fields: (t) => ({
    entityId: t.exposeID("entityId"),
    values: t.field({ type: [FeatureValueRef], resolve: (result) => result.values }),
  }),
});

const IngestBatchResultRef = builder.objectRef<BatchReport>("IngestBatchResult").implement({
  description: "What a batch ingest did with its records.",
  fields: (t) => ({
    processed: t.exposeInt("processed", { description: "Records written." }),
    skipped: t.exposeInt("skipped", { description: "Records without the entity id field, left out." }),
  }),
});

builder.mutationFields((t) => ({
  ingest: t.field({
    type: IngestResultRef,
    nullable: true,
    description:
      "Writes a record of feature name -> value for one entity. The whole record is checked first: all of it lands or none does.",
    args: {
      entityId: t.arg.id({ required: true }),
      features: t.arg({ type: "JSON", required: true }),
      eventTime: t.arg({ type: "DateTime", description: "When the values were observed; now when omitted." }),
    },
    resolve: async (_root, { entityId, features, eventTime }, ctx) => {
      // The service rejects anything but an object of feature name -> value.
      const record = features as Record<string, unknown>;
      const values = await ctx.service.ingest(record, entityId, { eventTime: eventTime ?? undefined });
      ctx.loaders.forgetEntity(entityId);
      ctx.events.publishWrites(values, ctx.log);
      return { entityId, values };
    },
  }),
  ingestBatch: t.field({
    type: IngestBatchResultRef,
    nullable: true,
    description:
      "Writes many records in one batch, atomic on every backend but Redis Cluster, where each entity's values land all or none but entities independently; each record names its entity in `entityIdField`. Records without it are skipped.",
    args: {
      records: t.arg({ type: ["JSON"], required: true }),
      entityIdField: t.arg.string({ required: true }),
      eventTime: t.arg({ type: "DateTime", description: "When the values were observed; now when omitted." }),
    },
    complexity: (args) => Math.max(args.records.length, 1),
    resolve: async (_root, { records, entityIdField, eventTime }, ctx) => {
      // The service checks every record is an object before it writes any.
      const batch = records as Record<string, unknown>[];
      const report = await ctx.service.ingestBatchReport(batch, entityIdField, {
        eventTime: eventTime ?? undefined,
      });
      ctx.loaders.forgetAll();
      // With their values: subscribers need not read the store once per change.
      ctx.events.publishWrites(report.written, ctx.log);
      return report;
    },
  }),
}));
