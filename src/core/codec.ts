import { FeatureType, ValueType } from "./enums.js";
import { ValidationError } from "./errors.js";
import type { FeatureData, NormalizedDefinition } from "./models.js";
import { showValue } from "./show-value.js";

/** Nesting deeper than this is refused (it also stops cyclic objects). */
const MAX_DEPTH = 64;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Why `value` is not JSON-shaped data, or `null` when it is. */
function jsonProblem(value: unknown, depth: number): string | null {
  if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels`;
  switch (typeof value) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(value) ? null : `${value} is not a finite number`;
    case "object": {
      if (value === null) return null;
      if (Array.isArray(value)) {
        for (const item of value) {
          const problem = jsonProblem(item, depth + 1);
          if (problem) return problem;
        }
        return null;
      }
      if (!isPlainObject(value)) return "only plain objects and arrays can be nested";
      for (const item of Object.values(value)) {
        const problem = jsonProblem(item, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    default:
      return `a ${typeof value} is not storable`;
  }
}

function describe(value: unknown): string {
  return typeof value === "object" || typeof value === "symbol" || typeof value === "function"
    ? showValue(value)
    : `${typeof value} ${showValue(value)}`;
}

/** Why `value` does not fit `def`, or `null` when it does. */
function valueProblem(def: NormalizedDefinition, value: unknown): string | null {
  if (value === null || value === undefined) return "null is not a value (delete the value instead)";
  switch (def.valueType) {
    case ValueType.INT:
      if (!Number.isSafeInteger(value)) return `expected a safe integer, got ${describe(value)}`;
      break;
    case ValueType.FLOAT:
      if (typeof value !== "number" || !Number.isFinite(value))
        return `expected a finite number, got ${describe(value)}`;
      break;
    case ValueType.STRING:
      if (typeof value !== "string") return `expected a string, got ${describe(value)}`;
      break;
    case ValueType.BOOL:
      if (typeof value !== "boolean") return `expected a boolean, got ${describe(value)}`;
      break;
    case ValueType.LIST:
      if (!Array.isArray(value)) return `expected a list, got ${describe(value)}`;
      break;
    case ValueType.DICT:
      if (!isPlainObject(value)) return `expected an object, got ${describe(value)}`;
      break;
  }
  const shape = jsonProblem(value, 0);
  if (shape) return shape;
  if (def.featureType === FeatureType.EMBEDDING) {
    const list = value as unknown[];
    if (!list.every((x) => typeof x === "number")) return "an embedding must be a list of numbers";
    if (def.dimension !== null && list.length !== def.dimension)
      return `expected an embedding of ${def.dimension} numbers, got ${list.length}`;
  }
  if (
    def.featureType === FeatureType.TIMESTAMP &&
    typeof value === "string" &&
    Number.isNaN(Date.parse(value))
  )
    return `expected an ISO 8601 timestamp, got ${describe(value)}`;
  return null;
}

/**
 * Checks that `value` fits the definition and returns it typed.
 * @throws ValidationError naming the feature, the entity and what was wrong.
 */
export function checkValue(def: NormalizedDefinition, value: unknown, entityId?: string): FeatureData {
  const problem = valueProblem(def, value);
  if (problem) {
    throw new ValidationError(`invalid value for feature "${def.name}": ${problem}`, {
      featureName: def.name,
      ...(entityId === undefined ? {} : { entityId }),
    });
  }
  return value as FeatureData;
}

/**
 * Serialises checked data to the text every backend stores. Plain JSON, except that negative
 * zero is written as `-0` (which `JSON.parse` reads back as -0), so floats round-trip bit for bit.
 */
export function encodeValue(value: FeatureData | null): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : JSON.stringify(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(encodeValue).join(",")}]`;
  const fields: string[] = [];
  for (const [key, item] of Object.entries(value)) fields.push(`${JSON.stringify(key)}:${encodeValue(item)}`);
  return `{${fields.join(",")}}`;
}

/**
 * Reads back what {@link encodeValue} wrote. Every call returns a fresh object. Scalars, the
 * common case on the read path, skip the JSON parser: a number is read by `Number`, and a string
 * without escapes is the text between its quotes (exact, because `encodeValue` escapes every
 * character JSON would).
 */
export function decodeValue(text: string): FeatureData {
  const first = text.charCodeAt(0);
  if ((first >= 48 && first <= 57) || first === 45) return Number(text);
  if (first === 34 && text.indexOf("\\") < 0) return text.slice(1, -1);
  if (text === "true") return true;
  if (text === "false") return false;
  return JSON.parse(text) as FeatureData;
}
