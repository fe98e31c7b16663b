import { ValidationError } from "../../core/errors.js";
import { FLOAT_SHAPE } from "../value-shape.js";
import { requireNumeric, sortedNumbers } from "./numeric-input.js";
import type { CheckedStep, StepKind } from "./step-kind.js";
import { finiteParam } from "./step-parameters.js";

/**
 * `(x - mean) / std`, a NUMERIC FLOAT. Fitted: the mean and the population standard deviation
 * (divided by n, as scikit-learn's StandardScaler) of the values. A std of 0 (every fitted value
 * the same) gives 0 for every input rather than a division by zero.
 */
export const standardize: StepKind = {
  kind: "STANDARDIZE",
  parameters: ["mean", "std"],
  check(given, input, where): CheckedStep {
    requireNumeric(input, where);
    if ((given.mean === undefined) !== (given.std === undefined)) {
      throw new ValidationError(`${where}: give both mean and std, or neither to fit them`);
    }
    if (given.mean === undefined) return { params: {}, toFit: ["mean", "std"], output: FLOAT_SHAPE };
    const mean = finiteParam(given.mean, "mean", where);
    const std = finiteParam(given.std, "std", where);
    if (std < 0) throw new ValidationError(`${where}: std must not be negative`);
    return { params: { mean, std }, toFit: [], output: FLOAT_SHAPE };
  },
  fit(_checked, values) {
    const numbers = sortedNumbers(values);
    let sum = 0;
    for (const x of numbers) sum += x;
    const mean = sum / numbers.length;
    let squares = 0;
    for (const x of numbers) squares += (x - mean) * (x - mean);
    return { mean, std: Math.sqrt(squares / numbers.length) };
  },
  compile(params) {
    const mean = params.mean as number;
    const std = params.std as number;
    if (std === 0) return (x) => (typeof x === "number" ? 0 : null);
    return (x) => (typeof x === "number" ? (x - mean) / std : null);
  },
};
