import type { BackendDescriptor } from "../backend-descriptor.js";
import { checkNamespace } from "../namespace.js";
import { parseRedisUrl } from "./redis-url.js";

/**
 * Redis, for `redis://` and `rediss://` URLs: replicas share changes through Redis pub/sub on
 * the same server. Loads ioredis only when such a URL is opened.
 */
export const redisDescriptor: BackendDescriptor = {
  name: "redis",
  schemes: ["redis", "rediss"],
  async open(url, options) {
    const { RedisBackend } = await import("./redis-backend.js");
    const { connection, namespace, historyRetention } = parseRedisUrl(url);
    return new RedisBackend({
      connection,
      namespace,
      historyRetention,
      connectTimeoutMs: options.operationTimeoutMs ?? 5000,
    });
  },
  async openChangeFeed(url) {
    const { RedisChangeFeed } = await import("./redis-change-feed.js");
    const { connection, namespace } = parseRedisUrl(url);
    return new RedisChangeFeed({ connection, namespace: namespace ?? "default" }).start();
  },
  async dropNamespace(url) {
    const { dropRedisNamespace } = await import("./redis-drop.js");
    const { connection, namespace } = parseRedisUrl(url);
    await dropRedisNamespace(connection, checkNamespace(namespace ?? "default"));
  },
};
