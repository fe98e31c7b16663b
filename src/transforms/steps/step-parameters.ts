import { ValidationError } from "../../core/errors.js";
import { showValue } from "../../core/show-value.js";

/*
 * Checks of the parameter values steps take. Each returns the value typed, or throws a
 * ValidationError naming the step (`where`) and the parameter.
 */

/** A finite number. */
export function finiteParam(value: unknown, name: string, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValidationError(`${where}: ${name} must be a finite number, not ${showValue(value)}`);
  }
  return value;
}

/** An integer in [min, max]. */
export function intParam(value: unknown, name: string, where: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new ValidationError(
      `${where}: ${name} must be an integer from ${min} to ${max}, not ${showValue(value)}`,
    );
  }
  return value as number;
}

/** A list of 1 to `maxLength` finite numbers, each greater than the one before. */
export function increasingParam(value: unknown, name: string, where: string, maxLength: number): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > maxLength) {
    throw new ValidationError(`${where}: ${name} must be a list of 1 to ${maxLength} numbers`);
  }
  const list = value.map((v) => finiteParam(v, name, where));
  if (list.some((v, i) => i > 0 && v <= (list[i - 1] as number))) {
    throw new ValidationError(`${where}: ${name} must be strictly increasing`);
  }
  return list;
}
