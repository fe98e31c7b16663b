import { GraphQLError, Kind, type ValueNode } from "graphql";
import { builder } from "../builder.js";

/**
 * ISO 8601 with a date, a time and a zone (`Z` or `+hh:mm`): an instant, never a local time
 * that the server would have to guess a zone for.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (1-12) of a year of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * True when every field of the instant exists on the calendar and the clock: Date.parse rolls
 * "2024-02-30" over to March 1st rather than refusing it.
 */
function isRealInstant(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  return (
    day !== undefined &&
    day >= 1 &&
    day <= daysInMonth(year ?? 0, month ?? 0) &&
    (hour ?? 0) <= 23 &&
    (minute ?? 0) <= 59 &&
    (second ?? 0) <= 59 &&
    (offsetHours ?? 0) <= 23 &&
    (offsetMinutes ?? 0) <= 59
  );
}

function parseInstant(value: unknown): Date {
  const match = typeof value === "string" ? ISO_INSTANT.exec(value) : null;
  const time = match && isRealInstant(match) ? Date.parse(value as string) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new GraphQLError(
      `DateTime must be an ISO 8601 instant with a time zone, such as "2024-05-01T12:00:00Z"; got ${JSON.stringify(value)}`,
    );
  }
  return new Date(time);
}

/**
 * The deepest nesting a JSON value may have (a scalar is depth 0, `[[1]]` depth 2). Far beyond
 * what a feature value needs, and far below what would exhaust the stack of the recursive code
 * that reads, checks and encodes values.
 */
const MAX_JSON_DEPTH = 100;

function tooDeep(): GraphQLError {
  return new GraphQLError(`JSON values may nest at most ${MAX_JSON_DEPTH} levels deep`);
}

/** Refuses a JSON value nested deeper than {@link MAX_JSON_DEPTH}; walks it without recursion. */
function checkJsonDepth(value: unknown): unknown {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) throw tooDeep();
    for (const child of Array.isArray(item) ? item : Object.values(item)) pending.push([child, depth + 1]);
  }
  return value;
}

/**
 * Reads an inline JSON literal; variables inside it are substituted (and checked like any JSON
 * value). `depth` counts the lists and objects around `node`.
 */
function literalToJson(
  node: ValueNode,
  variables: Record<string, unknown> | null | undefined,
  depth = 0,
): unknown {
  if ((node.kind === Kind.LIST || node.kind === Kind.OBJECT) && depth >= MAX_JSON_DEPTH) throw tooDeep();
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
      return node.values.map((item) => literalToJson(item, variables, depth + 1));
    case Kind.OBJECT: {
      const out: Record<string, unknown> = {};
      for (const field of node.fields) {
        // defineProperty, so a key named "__proto__" is data like any other key, as in JSON.parse.
        Object.defineProperty(out, field.name.value, {
          value: literalToJson(field.value, variables, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case Kind.VARIABLE:
      return checkJsonDepth(variables?.[node.name.value]);
    case Kind.ENUM:
      throw new GraphQLError(`JSON cannot hold the bare word ${node.value}; quote it to send a string`);
  }
}

builder.scalarType("JSON", {
  description: "Any JSON value: a feature value, a default, or a whole record of feature name -> value.",
  serialize: (value) => value,
  parseValue: checkJsonDepth,
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
