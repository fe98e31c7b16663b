import { FLOAT_SHAPE } from "../value-shape.js";
import { requireNumeric } from "./numeric-input.js";
import type { StepKind } from "./step-kind.js";

/**
 * `ln(1 + x)`, a NUMERIC FLOAT, for counts and other long-tailed values. Undefined at and
 * below -1, where it gives `null` (a FILL_DEFAULT step after it can replace that).
 */
export const log1p: StepKind = {
  kind: "LOG1P",
  parameters: [],
  check(_given, input, where) {
    requireNumeric(input, where);
    return { params: {}, toFit: [], output: FLOAT_SHAPE };
  },
  compile() {
    return (x) => (typeof x === "number" && x > -1 ? Math.log1p(x) : null);
  },
};
