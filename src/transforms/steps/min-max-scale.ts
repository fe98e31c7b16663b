import { ValidationError } from "../../core/errors.js";
import { FLOAT_SHAPE } from "../value-shape.js";
import { requireNumeric, sortedNumbers } from "./numeric-input.js";
import type { CheckedStep, StepKind } from "./step-kind.js";
import { finiteParam } from "./step-parameters.js";

/**
 * `(x - min) / (max - min)`, a NUMERIC FLOAT: 0 at min, 1 at max. Fitted: the least and
 * greatest values. A value outside the fitted range scales outside [0, 1] (add a CLIP step to
 * bound it); when min equals max every input gives 0.
 */
export const minMaxScale: StepKind = {
  kind: "MIN_MAX_SCALE",
  parameters: ["min", "max"],
  check(given, input, where): CheckedStep {
    requireNumeric(input, where);
    if ((given.min === undefined) !== (given.max === undefined)) {
      throw new ValidationError(`${where}: give both min and max, or neither to fit them`);
    }
    if (given.min === undefined) return { params: {}, toFit: ["min", "max"], output: FLOAT_SHAPE };
    const min = finiteParam(given.min, "min", where);
    const max = finiteParam(given.max, "max", where);
    if (max < min) throw new ValidationError(`${where}: max must not be below min`);
    return { params: { min, max }, toFit: [], output: FLOAT_SHAPE };
  },
  fit(_checked, values) {
    const numbers = sortedNumbers(values);
    return { min: numbers[0] as number, max: numbers[numbers.length - 1] as number };
  },
  compile(params) {
    const min = params.min as number;
    const range = (params.max as number) - min;
    if (range === 0) return (x) => (typeof x === "number" ? 0 : null);
    return (x) => (typeof x === "number" ? (x - min) / range : null);
  },
};
