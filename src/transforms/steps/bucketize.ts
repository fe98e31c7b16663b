import { INDEX_SHAPE } from "../value-shape.js";
import { requireNumeric } from "./numeric-input.js";
import type { StepKind } from "./step-kind.js";
import { increasingParam } from "./step-parameters.js";

/** The most boundaries one BUCKETIZE step takes. */
const MAX_BOUNDARIES = 1000;

/**
 * The bucket a number falls in, a CATEGORICAL INT from 0 to n for n boundaries: bucket 0 holds
 * values below the first boundary, bucket i values from boundary i-1 (included) up to boundary
 * i (excluded), bucket n values from the last boundary up.
 */
export const bucketize: StepKind = {
  kind: "BUCKETIZE",
  parameters: ["boundaries"],
  check(given, input, where) {
    requireNumeric(input, where);
    const boundaries = increasingParam(given.boundaries, "boundaries", where, MAX_BOUNDARIES);
    return { params: { boundaries }, toFit: [], output: INDEX_SHAPE };
  },
  compile(params) {
    const boundaries = Float64Array.from(params.boundaries as number[]);
    return (x) => {
      if (typeof x !== "number") return null;
      // The number of boundaries <= x, by binary search.
      let lo = 0;
      let hi = boundaries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((boundaries[mid] as number) <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
  },
};
