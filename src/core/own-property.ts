/**
 * Sets `record[key] = value` as an own, enumerable property, also when `key` is `__proto__`,
 * which plain assignment would take as a new prototype. Vectors are keyed by names a client
 * chose, so every write into one goes through here.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}
