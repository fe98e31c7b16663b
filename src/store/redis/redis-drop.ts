import { Redis } from "ioredis";
import { namespacePattern } from "./redis-keys.js";

/**
 * Deletes every key of a namespace, found by SCAN on its pattern (never KEYS, which would block
 * the server). Does not reconnect: a server that is down fails the drop at once.
 * @returns how many keys were deleted.
 */
export async function dropRedisNamespace(connection: string, namespace: string): Promise<number> {
  const redis = new Redis(connection, {
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
      const [next, keys] = await redis.scan(cursor, "MATCH", namespacePattern(namespace), "COUNT", 1000);
      if (keys.length > 0) removed += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return removed;
}
