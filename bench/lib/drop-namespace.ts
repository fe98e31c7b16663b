import { Redis } from "ioredis";
import pg from "pg";
import { schemaFor } from "../../src/store/postgres/postgres-schema.js";
import { namespacePattern } from "../../src/store/redis/redis-keys.js";

/** Only namespaces with this prefix are ever dropped, so a mistyped URL cannot wipe real data. */
export const SCRATCH_PREFIX = "bench";

/**
 * The namespace a Redis or PostgreSQL store URL names when it is a scratch one the benchmarks
 * may drop (it starts with {@link SCRATCH_PREFIX}), else `undefined`.
 */
export function scratchNamespace(url: string): string | undefined {
  if (!/^(redis|rediss|postgres|postgresql):\/\//i.test(url)) return undefined;
  const namespace = new URL(url).searchParams.get("namespace");
  return namespace?.startsWith(SCRATCH_PREFIX) ? namespace : undefined;
}

/**
 * Deletes everything a benchmark stored under a scratch namespace on a shared server: the
 * PostgreSQL schema `featurestore_<namespace>`, or every Redis key of the namespace.
 * @returns what was removed, for the log; `undefined` when the URL names no scratch namespace.
 */
export async function dropNamespace(url: string): Promise<string | undefined> {
  const namespace = scratchNamespace(url);
  if (namespace === undefined) return undefined;
  const server = new URL(url);
  server.searchParams.delete("namespace");
  if (server.protocol.startsWith("postgres")) {
    const client = new pg.Client({ connectionString: server.toString() });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schemaFor(namespace)} CASCADE`);
    } finally {
      await client.end();
    }
    return `schema ${schemaFor(namespace)}`;
  }
  // No reconnecting: a server that is down fails the drop at once instead of keeping the process alive.
  const redis = new Redis(server.toString(), {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined); // the failed command reports it
  let removed = 0;
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [nextCursor, keys] = await redis.scan(
        cursor,
        "MATCH",
        namespacePattern(namespace),
        "COUNT",
        1000,
      );
      if (keys.length > 0) removed += await redis.unlink(...keys);
      cursor = nextCursor;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return `${removed} redis keys of namespace ${namespace}`;
}
