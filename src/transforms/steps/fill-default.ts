import { checkValue } from "../../core/codec.js";
import { canonicalValue } from "../../core/definition.js";
import { ValidationError } from "../../core/errors.js";
import type { FeatureData } from "../../core/models.js";
import { describeShape } from "../value-shape.js";
import type { StepKind } from "./step-kind.js";

/**
 * Replaces a missing value (`null`: a feature without a default, or a step that had no answer)
 * with a fixed one of the input's type; any other value passes unchanged. The one step that
 * does not pass `null` through.
 */
export const fillDefault: StepKind = {
  kind: "FILL_DEFAULT",
  parameters: ["value"],
  check(given, input, where) {
    if (given.value === undefined || given.value === null) {
      throw new ValidationError(`${where}: give the value to fill in`);
    }
    let value: FeatureData;
    try {
      value = checkValue(
        { name: "value", tags: [], ttlSeconds: null, description: null, defaultValue: null, ...input },
        given.value,
      );
    } catch {
      throw new ValidationError(`${where}: the value to fill in must be a ${describeShape(input)} value`);
    }
    return { params: { value: canonicalValue(value) }, toFit: [], output: input };
  },
  compile(params) {
    const fill = params.value as FeatureData;
    if (typeof fill !== "object") return (value) => value ?? fill;
    // Every answer gets its own copy, so no caller can alter the next one's.
    return (value) => value ?? structuredClone(fill);
  },
};
