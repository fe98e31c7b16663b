import { FeatureType } from "../../core/enums.js";
import { ValidationError } from "../../core/errors.js";
import { describeShape } from "../value-shape.js";
import type { StepKind } from "./step-kind.js";

/**
 * Scales an embedding to unit Euclidean length (same type and dimension). The zero vector has
 * no direction and stays all zeros. A value that is not a list of numbers of the expected
 * dimension (when the input has one) gives `null` rather than a vector of the wrong size.
 */
export const l2Normalize: StepKind = {
  kind: "L2_NORMALIZE",
  parameters: [],
  check(_given, input, where) {
    if (input.featureType !== FeatureType.EMBEDDING) {
      throw new ValidationError(`${where} takes an EMBEDDING, not ${describeShape(input)}`);
    }
    return { params: {}, toFit: [], output: input };
  },
  compile(_params, input) {
    const dimension = input.dimension;
    return (value) => {
      if (!Array.isArray(value) || (dimension !== null && value.length !== dimension)) return null;
      let squares = 0;
      for (const x of value) {
        if (typeof x !== "number") return null;
        squares += x * x;
      }
      const norm = Math.sqrt(squares);
      const out = new Array<number>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = norm === 0 ? 0 : (value[i] as number) / norm;
      return out;
    };
  },
};
