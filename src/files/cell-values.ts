import { FeatureType, ValueType } from "../core/enums.js";
import { ValidationError } from "../core/errors.js";
import type { NormalizedDefinition } from "../core/models.js";

/**
 * Turns file cells into the values the store takes. A CSV cell is always text, an NDJSON cell a
 * JSON value, a Parquet cell a typed value (64-bit integers as bigint, timestamps as Date), so
 * each conversion accepts all three forms and refuses what none of them can mean.
 */

/** Whether a cell holds nothing: absent, null, or an empty CSV cell. */
export function isEmptyCell(cell: unknown): boolean {
  return cell === undefined || cell === null || cell === "";
}

/**
 * An instant from a cell: a Date, epoch milliseconds (number, bigint or digits), or an ISO 8601
 * text. A text without a zone is read as UTC, so a file means the same wherever it is read.
 * @throws ValidationError for anything else.
 */
export function cellInstant(cell: unknown, column: string): Date {
  let ms = Number.NaN;
  if (cell instanceof Date) ms = cell.getTime();
  else if (typeof cell === "number") ms = cell;
  else if (typeof cell === "bigint") ms = Number(cell);
  else if (typeof cell === "string") {
    const text = cell.trim();
    if (/^-?\d+$/.test(text)) ms = Number(text);
    else if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
      ms = Date.parse(/[zZ]$|[+-]\d{2}:?\d{2}$/.test(text) || !text.includes("T") ? text : `${text}Z`);
    }
  }
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > 8.64e15) {
    throw new ValidationError(`${column} must be an ISO 8601 time or epoch milliseconds`);
  }
  return new Date(ms);
}

/**
 * An entity id from a cell: text as it is, an integer as its decimal digits.
 * @throws ValidationError for an empty cell or any other kind of value.
 */
export function cellEntityId(cell: unknown, column: string): string {
  if (typeof cell === "string" && cell !== "") return cell;
  if (typeof cell === "bigint" || (typeof cell === "number" && Number.isSafeInteger(cell)))
    return String(cell);
  throw new ValidationError(`${column} must be a non-empty text or an integer`);
}

/**
 * A passed-through cell (a label, a weight): CSV text that reads as a JSON number or boolean
 * becomes one, an empty CSV cell null; other cells stay as they are, 64-bit integers as numbers
 * when they are safe.
 */
export function passThroughCell(cell: unknown): unknown {
  if (typeof cell === "string") {
    if (cell === "") return null;
    if (cell === "true") return true;
    if (cell === "false") return false;
    if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(cell)) return Number(cell);
    return cell;
  }
  if (typeof cell === "bigint" && Number.isSafeInteger(Number(cell))) return Number(cell);
  return cell ?? null;
}

/**
 * The value a cell holds for a feature, in the form its definition checks: text is parsed for
 * numbers, booleans and JSON lists or objects; bigints become numbers; a Date becomes epoch ms
 * (INT) or ISO text (STRING). The store still checks the result against the definition.
 * @throws ValidationError when text cannot be read as the feature's type.
 */
export function cellFeatureValue(def: NormalizedDefinition, cell: unknown): unknown {
  if (typeof cell === "bigint") return Number.isSafeInteger(Number(cell)) ? Number(cell) : cell;
  if (cell instanceof Date) return def.valueType === ValueType.STRING ? cell.toISOString() : cell.getTime();
  if (typeof cell !== "string") return cell;
  const refuse = () =>
    new ValidationError(`"${cell.slice(0, 40)}" is not a ${def.valueType} for "${def.name}"`, {
      featureName: def.name,
    });
  switch (def.valueType) {
    case ValueType.INT:
    case ValueType.FLOAT: {
      if (
        def.featureType === FeatureType.TIMESTAMP &&
        def.valueType === ValueType.INT &&
        /^\d{4}-/.test(cell)
      ) {
        return cellInstant(cell, def.name).getTime();
      }
      const n = Number(cell);
      if (cell.trim() === "" || !Number.isFinite(n)) throw refuse();
      return n;
    }
    case ValueType.BOOL:
      if (cell === "true" || cell === "1") return true;
      if (cell === "false" || cell === "0") return false;
      throw refuse();
    case ValueType.LIST:
    case ValueType.DICT:
      try {
        return JSON.parse(cell);
      } catch {
        throw refuse();
      }
    default:
      return cell;
  }
}
