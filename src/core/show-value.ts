/**
 * A short, printable rendering of any input for an error message. Inputs reach messages from
 * every caller, so this never throws: a BigInt, a symbol or an object without a prototype
 * (which `JSON.stringify` or `String` would choke on) is shown as what it is.
 *
 * @example
 * ```ts
 * showValue("age"); // '"age"'
 * showValue(10n);   // "10n"
 * ```
 */
export function showValue(value: unknown, maxLength = 80): string {
  let shown: string;
  switch (typeof value) {
    case "string":
      shown = JSON.stringify(value);
      break;
    case "bigint":
      shown = `${value}n`;
      break;
    case "symbol":
      shown = "a symbol";
      break;
    case "function":
      shown = "a function";
      break;
    case "object":
      shown = value === null ? "null" : Array.isArray(value) ? "a list" : "an object";
      break;
    default:
      shown = String(value);
  }
  return shown.length > maxLength ? `${shown.slice(0, maxLength - 1)}…` : shown;
}
