import { FeatureType, ValueType } from "../../core/enums.js";
import type { Category } from "./categories.js";
import { CATEGORY_PARAMETERS, categoryIndex, checkCategories, fitCategories } from "./categories.js";
import type { StepKind } from "./step-kind.js";

/**
 * One-hot encoding: an EMBEDDING LIST of n + 1 numbers for n categories, all 0 but a 1 at the
 * position of the value's category in the stored list, and the last position the "unknown"
 * bucket for any value not in the list. Categories are given, or fitted (the most frequent).
 */
export const oneHot: StepKind = {
  kind: "ONE_HOT",
  parameters: CATEGORY_PARAMETERS,
  check(given, input, where) {
    return checkCategories(given, input, where, (count) => ({
      featureType: FeatureType.EMBEDDING,
      valueType: ValueType.LIST,
      dimension: count === null ? null : count + 1,
    }));
  },
  fit: fitCategories,
  compile(params) {
    const index = categoryIndex(params);
    const width = (params.categories as Category[]).length + 1;
    const zeros = new Array<number>(width).fill(0);
    return (value) => {
      if (value === null) return null;
      // A copy of one all-zero list: cheaper than filling a new one.
      const out = zeros.slice();
      out[index.get(value) ?? width - 1] = 1;
      return out;
    };
  },
};
