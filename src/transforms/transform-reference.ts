import { isValidName } from "../core/definition.js";
import { ValidationError } from "../core/errors.js";
import { showValue } from "../core/show-value.js";

/**
 * Takes `name@version` or `name` apart.
 * @throws ValidationError when it is neither.
 */
export function parseReference(reference: unknown): { name: string; version: number | undefined } {
  if (typeof reference === "string") {
    const at = reference.lastIndexOf("@");
    const name = at < 0 ? reference : reference.slice(0, at);
    const digits = at < 0 ? undefined : reference.slice(at + 1);
    const version =
      digits === undefined ? undefined : /^[1-9][0-9]{0,14}$/.test(digits) ? Number(digits) : Number.NaN;
    if (isValidName(name) && !Number.isNaN(version)) return { name, version };
  }
  throw new ValidationError(
    `invalid transform reference ${showValue(reference)}: expected "name" or "name@version" (version 1, 2, ...)`,
  );
}
