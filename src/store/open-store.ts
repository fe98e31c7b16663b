import { ConfigurationError } from "../core/errors.js";
import { InMemoryFeatureStore } from "./memory/memory-store.js";
import { PostgresFeatureStore } from "./postgres/postgres-store.js";
import { RedisFeatureStore } from "./redis/redis-store.js";
import { SQLiteFeatureStore } from "./sqlite/sqlite-store.js";
import type { FeatureStore, StoreOptions } from "./store.js";

type Opener = (url: string, options: StoreOptions) => FeatureStore | Promise<FeatureStore>;

/** Splits `scheme://rest?query` without URL's host rules (a relative SQLite path has no host). */
function splitUrl(url: string): { rest: string; params: URLSearchParams } {
  const body = url.slice(url.indexOf("://") + 3);
  const q = body.indexOf("?");
  return q < 0
    ? { rest: body, params: new URLSearchParams() }
    : { rest: body.slice(0, q), params: new URLSearchParams(body.slice(q + 1)) };
}

const OPENERS: Record<string, Opener> = {
  memory: (_url, options) => new InMemoryFeatureStore(options),
  sqlite: (url, options) => {
    const { rest, params } = splitUrl(url);
    if (rest === "")
      throw new ConfigurationError(`sqlite URL needs a path: sqlite://<path> or sqlite:///<absolute path>`);
    const synchronous = params.get("synchronous")?.toUpperCase();
    if (synchronous !== undefined && synchronous !== "FULL" && synchronous !== "NORMAL") {
      throw new ConfigurationError(`sqlite synchronous must be FULL or NORMAL, not ${synchronous}`);
    }
    let path: string;
    try {
      path = decodeURIComponent(rest);
    } catch {
      throw new ConfigurationError("sqlite URL path is not valid percent-encoding (write % as %25)");
    }
    return new SQLiteFeatureStore(path, { ...options, synchronous });
  },
  postgres: PostgresFeatureStore.fromUrl,
  postgresql: PostgresFeatureStore.fromUrl,
  redis: RedisFeatureStore.fromUrl,
  rediss: RedisFeatureStore.fromUrl,
};

/** The URL schemes {@link openStore} understands. */
export function storeSchemes(): string[] {
  return Object.keys(OPENERS);
}

/**
 * Opens a store from a URL and waits until it is ready.
 *
 * - `memory://` - in process, nothing persisted
 * - `sqlite://data/features.db` (relative) or `sqlite:///var/lib/features.db` (absolute);
 *   `?synchronous=NORMAL` trades power-loss durability for speed
 * - `postgres://user@host:5432/db?namespace=x` (or `postgresql://`) - tables in the schema `featurestore_x`
 * - `redis://host:6379/0?namespace=x&historyRetention=1000` (or `rediss://` for TLS) - keys under `fs:{x:...}`
 *
 * @throws ConfigurationError for an unknown scheme, naming the schemes that exist.
 * @example
 * ```ts
 * const store = await openStore("sqlite://data/features.db");
 * ```
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<FeatureStore> {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  const scheme = match?.[1]?.toLowerCase();
  const opener = scheme !== undefined && Object.hasOwn(OPENERS, scheme) ? OPENERS[scheme] : undefined;
  if (!opener) {
    // Only the scheme is repeated: the rest of a URL may hold a password.
    const shown = scheme === undefined ? "a URL without a scheme" : `the scheme ${scheme}://`;
    throw new ConfigurationError(
      `unsupported store URL (${shown}): use one of ${storeSchemes()
        .map((s) => `${s}://`)
        .join(", ")}`,
      { scheme: scheme ?? null },
    );
  }
  const store = await opener(url, options);
  return store.open();
}
