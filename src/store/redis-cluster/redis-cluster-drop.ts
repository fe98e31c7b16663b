import { Cluster } from "ioredis";
import { namespacePattern } from "../redis/redis-keys.js";
import type { RedisClusterUrl } from "./redis-cluster-url.js";

/**
 * Deletes every key of a namespace on every master of a cluster, found by SCAN on its pattern
 * (never KEYS, which would block a node). Does not wait for a node that is down: the drop fails.
 * @returns how many keys were deleted.
 */
export async function dropRedisClusterNamespace(url: RedisClusterUrl, namespace: string): Promise<number> {
  const cluster = new Cluster(
    url.nodes.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: true,
      clusterRetryStrategy: () => null,
      redisOptions: {
        maxRetriesPerRequest: 1,
        ...(url.username ? { username: url.username } : {}),
        ...(url.password ? { password: url.password } : {}),
        ...(url.tls ? { tls: {} } : {}),
      },
    },
  );
  cluster.on("error", () => undefined); // the failed command reports it
  let removed = 0;
  try {
    await cluster.connect();
    for (const node of cluster.nodes("master")) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", namespacePattern(namespace), "COUNT", 1000);
        // One key per UNLINK: a command of several keys must keep to one slot on a cluster.
        if (keys.length > 0) {
          const pipeline = node.pipeline();
          for (const key of keys) pipeline.unlink(key);
          for (const [err, n] of (await pipeline.exec()) ?? []) {
            if (err) throw err;
            removed += n as number;
          }
        }
        cursor = next;
      } while (cursor !== "0");
    }
  } finally {
    cluster.disconnect();
  }
  return removed;
}
