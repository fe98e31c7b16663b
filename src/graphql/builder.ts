import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import type { GraphQLContext } from "./context.js";
import { complexityError } from "./limits.js";

/**
 * The Pothos schema types: what resolvers see as context, how the custom scalars look on each
 * side, and non-null output fields unless a field says otherwise (most of ours are never null).
 */
export interface FeatureStoreSchemaTypes {
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    /** Any JSON value: feature values, defaults, whole records. */
    JSON: { Input: unknown; Output: unknown };
    /** An ISO 8601 instant; a `Date` on the server side. */
    DateTime: { Input: Date; Output: Date };
  };
}

/**
 * The one schema builder. It defines no types itself: each file under `schema/` adds its types
 * and their root fields, and `schema/index.ts` builds the schema.
 *
 * The complexity plugin prices each operation before any root field resolves, from the
 * arguments it sees (a `vectors` call costs entityIds x featureNames); its limits come from
 * the request context, so each app can configure its own.
 */
export const builder = new SchemaBuilder<FeatureStoreSchemaTypes>({
  plugins: [ComplexityPlugin],
  defaultFieldNullability: false,
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: (ctx) => ctx.complexityLimit,
    complexityError,
  },
});
