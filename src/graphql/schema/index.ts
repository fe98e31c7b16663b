import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "../builder.js";
import "./scalars.js";
import "./enums.js";
import "./feature-definition.js";
import "./feature-value.js";
import "./feature-vector.js";
import "./feature-group.js";
import "./ingest.js";

builder.queryType({ description: "Reads: definitions, groups, values, their history, and vectors." });
builder.mutationType({ description: "Writes: definitions, groups and values." });
builder.subscriptionType({ description: "Changes as they happen, over server-sent events." });

/** The API's schema, built once from every type file. `schema.graphql` is its sorted print. */
export const schema: GraphQLSchema = builder.toSchema();

/** The schema as SDL, types and fields sorted, as checked in at `schema.graphql`. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
