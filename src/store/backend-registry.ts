import { ConfigurationError } from "../core/errors.js";
import type { BackendDescriptor } from "./backend-descriptor.js";
import { memoryDescriptor } from "./memory/memory-descriptor.js";
import { postgresDescriptor } from "./postgres/postgres-descriptor.js";
import { redisDescriptor } from "./redis/redis-descriptor.js";
import { redisClusterDescriptor } from "./redis-cluster/redis-cluster-descriptor.js";
import { sqliteDescriptor } from "./sqlite/sqlite-descriptor.js";

/** Descriptors by URL scheme: the built-in backends, then any registered. */
const bySchemes = new Map<string, BackendDescriptor>();

/**
 * Makes a backend available to `openStore`, `openChangeFeed` and the server under its URL
 * schemes. A scheme registered again is taken over by the newer descriptor.
 * @throws ConfigurationError for a scheme that is not a valid URL scheme.
 */
export function registerBackend(descriptor: BackendDescriptor): void {
  for (const scheme of descriptor.schemes) {
    if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
      throw new ConfigurationError(
        `invalid URL scheme "${scheme}" for backend ${descriptor.name}: use lower case`,
      );
    }
    bySchemes.set(scheme, descriptor);
  }
}

for (const descriptor of [
  memoryDescriptor,
  sqliteDescriptor,
  redisDescriptor,
  redisClusterDescriptor,
  postgresDescriptor,
]) {
  registerBackend(descriptor);
}

/** The URL schemes a store can be opened with. */
export function storeSchemes(): string[] {
  return [...bySchemes.keys()];
}

/**
 * The backend that answers a store URL's scheme.
 * @throws ConfigurationError for an unknown scheme, naming the schemes that exist (and only the
 * scheme of the URL: the rest of it may hold a password).
 */
export function findBackend(url: string): BackendDescriptor {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  const scheme = match?.[1]?.toLowerCase();
  const descriptor = scheme === undefined ? undefined : bySchemes.get(scheme);
  if (!descriptor) {
    const shown = scheme === undefined ? "a URL without a scheme" : `the scheme ${scheme}://`;
    throw new ConfigurationError(
      `unsupported store URL (${shown}): use one of ${storeSchemes()
        .map((s) => `${s}://`)
        .join(", ")}`,
      { scheme: scheme ?? null },
    );
  }
  return descriptor;
}
