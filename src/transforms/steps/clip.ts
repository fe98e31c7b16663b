import { ValueType } from "../../core/enums.js";
import { ValidationError } from "../../core/errors.js";
import { FLOAT_SHAPE } from "../value-shape.js";
import { requireNumeric } from "./numeric-input.js";
import type { StepKind } from "./step-kind.js";
import { finiteParam } from "./step-parameters.js";

/**
 * Bounds a number to [min, max] (either bound may be left out). An INT stays an INT when the
 * bounds given are integers; otherwise the output is a FLOAT.
 */
export const clip: StepKind = {
  kind: "CLIP",
  parameters: ["min", "max"],
  check(given, input, where) {
    requireNumeric(input, where);
    if (given.min === undefined && given.max === undefined) {
      throw new ValidationError(`${where}: give min, max or both`);
    }
    const min = given.min === undefined ? null : finiteParam(given.min, "min", where);
    const max = given.max === undefined ? null : finiteParam(given.max, "max", where);
    if (min !== null && max !== null && max < min) {
      throw new ValidationError(`${where}: max must not be below min`);
    }
    const integral = [min, max].every((b) => b === null || Number.isSafeInteger(b));
    const output = input.valueType === ValueType.INT && integral ? input : FLOAT_SHAPE;
    return { params: { min, max }, toFit: [], output };
  },
  compile(params) {
    const min = (params.min as number | null) ?? Number.NEGATIVE_INFINITY;
    const max = (params.max as number | null) ?? Number.POSITIVE_INFINITY;
    return (x) => (typeof x === "number" ? Math.min(Math.max(x, min), max) : null);
  },
};
