import { ValidationError } from "../../core/errors.js";
import type { FeatureValue } from "../../core/models.js";
import { builder } from "../builder.js";
import { historyCursor, positionOfCursor } from "../cursors.js";
import { DEFAULT_PAGE_SIZE } from "../limits.js";
import { type PageInfo, PageInfoRef, pageSize } from "./connection.js";
import { FeatureValueRef } from "./feature-value.js";

/** A page of a key's history. */
interface FeatureValueConnection {
  readonly values: readonly FeatureValue[];
  readonly pageInfo: PageInfo;
}

const cursorOf = (v: FeatureValue) =>
  historyCursor({ eventTimeMs: v.timestamp.getTime(), version: v.version });

const HistoryOrderEnum = builder.enumType("HistoryOrder", {
  description: "The order of a history page: by event time, ties by version.",
  values: {
    OLDEST_FIRST: { description: "Ascending: the order the values came into force." },
    NEWEST_FIRST: { description: "Descending: a timeline that starts at the newest value." },
  },
});

const FeatureValueEdgeRef = builder.objectRef<FeatureValue>("FeatureValueEdge").implement({
  description: "A value of a key's history and its cursor.",
  fields: (t) => ({
    cursor: t.string({ resolve: cursorOf }),
    node: t.field({ type: FeatureValueRef, resolve: (v) => v }),
  }),
});

const FeatureValueConnectionRef = builder
  .objectRef<FeatureValueConnection>("FeatureValueConnection")
  .implement({
    description: "A page of a key's history.",
    fields: (t) => ({
      edges: t.field({ type: [FeatureValueEdgeRef], resolve: (c) => [...c.values] }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
    }),
  });

builder.queryFields((t) => ({
  historyConnection: t.field({
    type: FeatureValueConnectionRef,
    nullable: true,
    description:
      "A key's history a page at a time, by event time (ties: version), deletions left out; `history` is the same unpaged, in version order. Forward with `first` (and `after`), backward with `last` (and `before`); 50 forward when neither is given. `order: NEWEST_FIRST` starts at the newest value. Cursors hold an (event time, version) position, so they stay valid whatever is written meanwhile. Costs `first` (or `last`) times its selection. VALIDATION_FAILED for `first` with `last`, `after` with `last`, `before` with `first`, a size outside 1..1000 or a malformed cursor; FEATURE_NOT_FOUND.",
    args: {
      featureName: t.arg.string({ required: true }),
      entityId: t.arg.id({ required: true }),
      order: t.arg({ type: HistoryOrderEnum, defaultValue: "OLDEST_FIRST" }),
      first: t.arg.int({ description: "Page size going forward, 1..1000." }),
      after: t.arg.string({ description: "The `endCursor` of the page before." }),
      last: t.arg.int({ description: "Page size going backward, 1..1000." }),
      before: t.arg.string({ description: "The `startCursor` of the page after." }),
    },
    complexity: (args) => ({
      field: 1,
      multiplier: Math.max(args.first ?? args.last ?? DEFAULT_PAGE_SIZE, 1),
    }),
    resolve: async (_root, args, ctx) => {
      const backward = args.last != null || args.before != null;
      if (backward && (args.first != null || args.after != null)) {
        throw new ValidationError("page forward (first, after) or backward (last, before), not both");
      }
      const size = pageSize(backward ? args.last : args.first, backward ? "last" : "first");
      const cursor = backward ? args.before : args.after;
      const from = cursor == null ? null : positionOfCursor(cursor);
      const entityId = String(args.entityId);
      // Backward is forward in the other order, from the cursor; the page is then turned round.
      const newestFirst = (args.order === "NEWEST_FIRST") !== backward;
      const read = (after: typeof from, limit: number, reverse = false) =>
        ctx.service.historyPage(args.featureName, entityId, {
          newestFirst: newestFirst !== reverse,
          after,
          limit,
        });
      const found = await read(from, size + 1);
      const page = found.slice(0, size);
      const more = found.length > size;
      // Whether anything lies on the other side of the cursor, its own entry included: one entry
      // read the other way from just past it (versions are integers, so one more or less is).
      const past = from && { eventTimeMs: from.eventTimeMs, version: from.version + (newestFirst ? -1 : 1) };
      const behind = past !== null && (await read(past, 1, true)).length > 0;
      if (backward) page.reverse();
      const start = page[0];
      const end = page[page.length - 1];
      return {
        values: page,
        pageInfo: {
          hasNextPage: backward ? behind : more,
          hasPreviousPage: backward ? more : behind,
          startCursor: start ? cursorOf(start) : null,
          endCursor: end ? cursorOf(end) : null,
        },
      };
    },
  }),
}));
