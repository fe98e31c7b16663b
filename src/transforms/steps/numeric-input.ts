import { ValidationError } from "../../core/errors.js";
import { describeShape, isNumeric, type ValueShape } from "../value-shape.js";

/**
 * Refuses a numeric step on a shape whose values are not numbers.
 * @throws ValidationError naming the step and the shape it was given.
 */
export function requireNumeric(input: ValueShape, where: string): void {
  if (!isNumeric(input)) {
    throw new ValidationError(`${where} takes numbers (INT or FLOAT), not ${describeShape(input)}`);
  }
}

/**
 * The values as numbers in ascending order: fitting sums them in this order, so the same set of
 * values fits the same parameters to the last bit whatever order a backend scanned them in.
 */
export function sortedNumbers(values: readonly unknown[]): number[] {
  return values.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
}
