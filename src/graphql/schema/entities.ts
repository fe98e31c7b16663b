import { builder } from "../builder.js";
import { entityCursor, entityOfCursor } from "../cursors.js";
import { DEFAULT_PAGE_SIZE } from "../limits.js";
import { type PageInfo, PageInfoRef, pageSize } from "./connection.js";

/** A page of entity ids. */
interface EntityConnection {
  readonly entityIds: readonly string[];
  readonly pageInfo: PageInfo;
  readonly complete: boolean;
}

const EntityRef = builder.objectRef<string>("Entity").implement({
  description:
    "An entity that has values. Read them with `vector`, `vectors` or `groupVector` (batched: one store read per page).",
  fields: (t) => ({ id: t.id({ resolve: (id) => id }) }),
});

const EntityEdgeRef = builder.objectRef<string>("EntityEdge").implement({
  description: "An entity and its cursor.",
  fields: (t) => ({
    cursor: t.string({ resolve: entityCursor }),
    node: t.field({ type: EntityRef, resolve: (id) => id }),
  }),
});

const EntityConnectionRef = builder.objectRef<EntityConnection>("EntityConnection").implement({
  description: "A page of entity ids, sorted by code point (the byte order of their UTF-8).",
  fields: (t) => ({
    edges: t.field({ type: [EntityEdgeRef], resolve: (c) => [...c.entityIds] }),
    pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
    complete: t.exposeBoolean("complete", {
      description:
        "False when the backend has no index of entity ids (Redis) and its bounded scan (100,000 entities) stopped first: the page then holds the first ids among those it saw.",
    }),
  }),
});

builder.queryFields((t) => ({
  entities: t.field({
    type: EntityConnectionRef,
    nullable: true,
    description:
      "Entity ids in code point order, a page at a time (forward only: hasPreviousPage is always false). With `featureName`, the entities with an entry of that feature (a deleted or expired value still counts); with `groupName`, of any feature of the group; with neither, of any feature. Cursors hold the id, so a page never repeats or skips an id that exists throughout. Costs `first` times its selection. VALIDATION_FAILED for both names, `first` outside 1..1000 or a malformed cursor; FEATURE_NOT_FOUND, GROUP_NOT_FOUND.",
    args: {
      featureName: t.arg.string(),
      groupName: t.arg.string(),
      first: t.arg.int({ defaultValue: DEFAULT_PAGE_SIZE, description: "Page size, 1..1000." }),
      after: t.arg.string({ description: "The `endCursor` of the page before." }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(args.first ?? DEFAULT_PAGE_SIZE, 1) }),
    resolve: async (_root, args, ctx) => {
      const first = pageSize(args.first, "first");
      const after = args.after == null ? null : entityOfCursor(args.after);
      const page = await ctx.service.listEntities(
        { featureName: args.featureName, groupName: args.groupName },
        after,
        first + 1,
      );
      const entityIds = page.entityIds.slice(0, first);
      const last = entityIds[entityIds.length - 1];
      const start = entityIds[0];
      return {
        entityIds,
        complete: page.complete,
        pageInfo: {
          hasNextPage: page.entityIds.length > first,
          hasPreviousPage: false,
          startCursor: start === undefined ? null : entityCursor(start),
          endCursor: last === undefined ? null : entityCursor(last),
        },
      };
    },
  }),
}));
