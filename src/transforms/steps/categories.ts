import { ValueType } from "../../core/enums.js";
import { ValidationError } from "../../core/errors.js";
import type { FeatureData } from "../../core/models.js";
import { showValue } from "../../core/show-value.js";
import { describeShape, isScalarCategory, type ValueShape } from "../value-shape.js";
import type { CheckedStep, StepParams } from "./step-kind.js";
import { intParam } from "./step-parameters.js";

/** A category: one value of a STRING, INT or BOOL feature. */
export type Category = string | number | boolean;

/** The most categories an encoding step keeps. */
export const MAX_CATEGORIES = 1000;
/** How many categories fitting keeps when `maxCategories` is not given. */
const DEFAULT_FITTED_CATEGORIES = 100;

/** The parameters both encodings take. */
export const CATEGORY_PARAMETERS = ["categories", "maxCategories"] as const;

function isCategoryOf(value: unknown, valueType: ValueType): value is Category {
  switch (valueType) {
    case ValueType.STRING:
      return typeof value === "string";
    case ValueType.INT:
      return Number.isSafeInteger(value);
    default:
      return typeof value === "boolean";
  }
}

/**
 * Checks the parameters of a category encoding: a given list of distinct categories of the
 * input's type, or none (to fit the `maxCategories` most frequent, default 100).
 * @throws ValidationError for an input that is not a single category, or a bad list.
 */
export function checkCategories(
  given: Readonly<Record<string, unknown>>,
  input: ValueShape,
  where: string,
  output: (count: number | null) => ValueShape,
): CheckedStep {
  if (!isScalarCategory(input)) {
    throw new ValidationError(`${where} takes one STRING, INT or BOOL value, not ${describeShape(input)}`);
  }
  if (given.categories === undefined) {
    const max =
      given.maxCategories === undefined
        ? DEFAULT_FITTED_CATEGORIES
        : intParam(given.maxCategories, "maxCategories", where, 1, MAX_CATEGORIES);
    return { params: { maxCategories: max }, toFit: ["categories"], output: output(null) };
  }
  if (given.maxCategories !== undefined) {
    throw new ValidationError(
      `${where}: maxCategories applies to fitted categories only; give one or the other`,
    );
  }
  const list = given.categories;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_CATEGORIES) {
    throw new ValidationError(`${where}: categories must be a list of 1 to ${MAX_CATEGORIES} values`);
  }
  for (const category of list) {
    if (!isCategoryOf(category, input.valueType)) {
      throw new ValidationError(
        `${where}: category ${showValue(category)} is not a ${input.valueType} value like the input's`,
      );
    }
  }
  if (new Set(list).size !== list.length) throw new ValidationError(`${where}: categories must be distinct`);
  return { params: { categories: list as Category[] }, toFit: [], output: output(list.length) };
}

/**
 * The `maxCategories` most frequent values, most frequent first; ties in ascending order of
 * the value, so the same values always fit the same list.
 */
export function fitCategories(checked: CheckedStep, values: readonly FeatureData[]): StepParams {
  const counts = new Map<Category, number>();
  for (const value of values) {
    if (typeof value === "object") continue;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const ranked = [...counts].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0));
  const max = checked.params.maxCategories as number;
  return { categories: ranked.slice(0, max).map(([category]) => category) };
}

/** Category -> position in the stored list, for the encodings' lookups. */
export function categoryIndex(params: StepParams): Map<FeatureData | null, number> {
  return new Map((params.categories as Category[]).map((c, i) => [c, i]));
}
