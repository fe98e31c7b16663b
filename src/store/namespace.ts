import { ConfigurationError } from "../core/errors.js";

/**
 * 1-50 lowercase letters, digits and `_`. Every network backend embeds the namespace in a name of
 * its own, so the rule is the intersection of what they accept: PostgreSQL folds unquoted
 * identifiers to lowercase and truncates them at 63 bytes (`featurestore_` plus 50 stays below),
 * and a Redis hash tag ends at the first `}` while the key layout separates parts with `:`.
 */
const NAMESPACE_PATTERN = /^[a-z0-9_]{1,50}$/;

/**
 * Checks a store namespace, the name that keeps several stores apart on one server.
 * @returns the namespace, unchanged.
 * @throws ConfigurationError unless it is 1-50 lowercase letters, digits or `_`.
 * @example
 * ```ts
 * checkNamespace("prod_eu"); // "prod_eu"
 * checkNamespace("Prod-EU"); // throws INVALID_CONFIG
 * ```
 */
export function checkNamespace(namespace: unknown): string {
  if (typeof namespace !== "string" || !NAMESPACE_PATTERN.test(namespace)) {
    throw new ConfigurationError(
      `invalid namespace ${JSON.stringify(String(namespace).slice(0, 80))}: use 1-50 lowercase letters, digits or "_"`,
      { namespace: String(namespace).slice(0, 80) },
    );
  }
  return namespace;
}
