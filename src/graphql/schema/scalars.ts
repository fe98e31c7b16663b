import { GraphQLError, Kind, type ValueNode } from "graphql";
import { builder } from "../builder.js";

/**
 * ISO 8601 with a date, a time and a zone (`Z` or `+hh:mm`): an instant, never a local time
 * that the server would have to guess a zone for.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function parseInstant(value: unknown): Date {
  const time = typeof value === "string" && ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new GraphQLError(
      `DateTime must be an ISO 8601 instant with a time zone, such as "2024-05-01T12:00:00Z"; got ${JSON.stringify(value)}`,
    );
  }
  return new Date(time);
}

/** Reads an inline JSON literal; variables inside it are substituted. */
function literalToJson(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.NULL:
      return null;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.LIST:
      return node.values.map((item) => literalToJson(item, variables));
    case Kind.OBJECT: {
      const out: Record<string, unknown> = {};
      for (const field of node.fields) {
        // defineProperty, so a key named "__proto__" is data like any other key, as in JSON.parse.
        Object.defineProperty(out, field.name.value, {
          value: literalToJson(field.value, variables),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.ENUM:
      throw new GraphQLError(`JSON cannot hold the bare word ${node.value}; quote it to send a string`);
  }
}

builder.scalarType("JSON", {
  description: "Any JSON value: a feature value, a default, or a whole record of feature name -> value.",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => literalToJson(node, variables),
});

builder.scalarType("DateTime", {
  description: 'An instant as an ISO 8601 string with a time zone, such as "2024-05-01T12:00:00.000Z".',
  serialize: (value) => (value instanceof Date ? value : parseInstant(value)).toISOString(),
  parseValue: parseInstant,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new GraphQLError("DateTime must be given as a string");
    return parseInstant(node.value);
  },
});
