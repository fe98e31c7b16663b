import type { FeatureData } from "../../core/models.js";
import type { ValueShape } from "../value-shape.js";

/** One step's function: a value in, a value out; `null` stands for "no value". */
export type StepFn = (value: FeatureData | null) => FeatureData | null;

/** A step's parameters as stored: JSON, in the fixed key order the step kind writes them. */
export type StepParams = Readonly<Record<string, FeatureData | null>>;

/** What {@link StepKind.check} says about a step declared on a value shape. */
export interface CheckedStep {
  /** The parameters, normalized; those to be fitted are absent. */
  readonly params: StepParams;
  /** The parameters fitting must supply, in order; empty when every one was given. */
  readonly toFit: readonly string[];
  /** The shape of the step's output. */
  readonly output: ValueShape;
}

/**
 * A kind of transform step (standardize, one-hot, ...): how its parameters are checked against
 * the shape it is applied to, fitted from values, and compiled into a function. Every kind
 * passes `null` through (a missing value stays missing) except fill-default, whose job it is.
 */
export interface StepKind {
  /** The name clients declare the step with, such as `STANDARDIZE`. */
  readonly kind: string;
  /** The parameter names the kind takes. */
  readonly parameters: readonly string[];
  /**
   * Checks the declared parameters (only those in {@link parameters}, already known to be
   * present or absent) against the input shape.
   * @throws ValidationError when they do not fit; `where` names the step in the message.
   */
  check(given: Readonly<Record<string, unknown>>, input: ValueShape, where: string): CheckedStep;
  /**
   * Completes the parameters from the values the step will see (never empty, no nulls): the
   * returned parameters are what is stored. Only called when {@link CheckedStep.toFit} is not empty.
   * @throws ValidationError when the values cannot give them.
   */
  fit?(checked: CheckedStep, values: readonly FeatureData[], where: string): StepParams;
  /** The step's function over complete parameters: called once per stored version. */
  compile(params: StepParams, input: ValueShape): StepFn;
}
