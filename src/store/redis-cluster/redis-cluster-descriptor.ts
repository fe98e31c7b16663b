import type { BackendDescriptor } from "../backend-descriptor.js";
import { checkNamespace } from "../namespace.js";
import { parseRedisClusterUrl } from "./redis-cluster-url.js";

/**
 * Redis Cluster, for `redis+cluster://` and `rediss+cluster://` URLs: replicas share changes
 * through the cluster's sharded pub/sub. Loads ioredis only when such a URL is opened.
 */
export const redisClusterDescriptor: BackendDescriptor = {
  name: "redis-cluster",
  schemes: ["redis+cluster", "rediss+cluster"],
  async open(url, options) {
    const { RedisClusterBackend } = await import("./redis-cluster-backend.js");
    const parsed = parseRedisClusterUrl(url);
    return new RedisClusterBackend({ ...parsed, connectTimeoutMs: options.operationTimeoutMs ?? 5000 });
  },
  async openChangeFeed(url) {
    const { RedisClusterChangeFeed } = await import("./redis-cluster-change-feed.js");
    const parsed = parseRedisClusterUrl(url);
    return new RedisClusterChangeFeed({ ...parsed, namespace: parsed.namespace ?? "default" }).start();
  },
  async dropNamespace(url) {
    const { dropRedisClusterNamespace } = await import("./redis-cluster-drop.js");
    const parsed = parseRedisClusterUrl(url);
    await dropRedisClusterNamespace(parsed, checkNamespace(parsed.namespace ?? "default"));
  },
};
