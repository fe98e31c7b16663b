import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "../builder.js";
import "./scalars.js";
import "./enums.js";
import "./feature-definition.js";
import "./feature-value.js";
import "./feature-vector.js";
import "./feature-group.js";
import "./ingest.js";
import "./transform.js";
import "./training-set.js";
import "./feature-statistics.js";
import "./entities.js";
import "./history-connection.js";

// Root fields are nullable: a field that fails is null beside its error, and the others keep
// their answers. Were they non-null, one failing field would null all of `data` and hide the
// writes that the mutation fields before it did make.
builder.queryType({
  description:
    "Reads: definitions, groups, values, their history, and vectors. A field that fails is null, with its error in `errors`; the other fields are answered.",
});
builder.mutationType({
  description:
    "Writes: definitions, groups and values, run one after the other. A field that fails is null, with its error in `errors`; the writes of the fields before it stand, and the fields after it still run.",
});
builder.subscriptionType({ description: "Changes as they happen, over server-sent events." });

/** The API's schema, built once from every type file. `schema.graphql` is its sorted print. */
export const schema: GraphQLSchema = builder.toSchema();

/** The schema as SDL, types and fields sorted, as checked in at `schema.graphql`. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
