import { INDEX_SHAPE } from "../value-shape.js";
import type { Category } from "./categories.js";
import { CATEGORY_PARAMETERS, categoryIndex, checkCategories, fitCategories } from "./categories.js";
import type { StepKind } from "./step-kind.js";

/**
 * Label encoding: a CATEGORICAL INT, the position of the value's category in the stored list
 * (0 to n - 1), or n, the "unknown" bucket, for any value not in the list. Categories are
 * given, or fitted (the most frequent).
 */
export const labelEncode: StepKind = {
  kind: "LABEL_ENCODE",
  parameters: CATEGORY_PARAMETERS,
  check(given, input, where) {
    return checkCategories(given, input, where, () => INDEX_SHAPE);
  },
  fit: fitCategories,
  compile(params) {
    const index = categoryIndex(params);
    const unknown = (params.categories as Category[]).length;
    return (value) => (value === null ? null : (index.get(value) ?? unknown));
  },
};
