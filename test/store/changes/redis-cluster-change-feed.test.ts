import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisClusterChangeFeed } from "../../../src/store/redis-cluster/redis-cluster-change-feed.js";
import { describeSharedChangeFeed, freshNamespace } from "./change-feed-suite.js";

/** The shared local cluster that scripts/redis-cluster.sh starts (CI runs it before the tests). */
const PORTS = [7000, 7001, 7002];
const NODES = PORTS.map((port) => ({ host: "127.0.0.1", port }));
const admins = PORTS.map((port) => new Redis({ host: "127.0.0.1", port }));

afterAll(async () => {
  await Promise.all(admins.map((admin) => admin.quit()));
});

/** The connections named `name` on every node, as [node, id]. */
async function clients(name: string): Promise<[Redis, string][]> {
  const found: [Redis, string][] = [];
  for (const admin of admins) {
    const list = (await admin.call("CLIENT", "LIST")) as string;
    for (const line of list.split("\n")) {
      if (line.split(" ").includes(`name=${name}`))
        found.push([admin, /(?:^| )id=(\d+)/.exec(line)?.[1] ?? ""]);
    }
  }
  return found;
}

describeSharedChangeFeed<RedisClusterChangeFeed>({
  name: "redis-cluster",
  create: (namespace, connectionName) =>
    new RedisClusterChangeFeed({ nodes: NODES, namespace, connectionName }).start(),
  async killListener(target) {
    const found = await clients(target.listenerName);
    expect(found).toHaveLength(1);
    for (const [admin, id] of found) await admin.call("CLIENT", "KILL", "ID", id);
  },
  publishRaw: async (target, message) => {
    // SPUBLISH must reach the master of the channel's slot: try each until one takes it.
    for (const admin of admins) {
      try {
        await admin.call("SPUBLISH", target.channel, message);
        return;
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith("MOVED"))) throw err;
      }
    }
    throw new Error("no node took the SPUBLISH");
  },
  connectionsOf: async (target) =>
    (await clients(target.listenerName)).length + (await clients(target.publisherName)).length,
  largeValue: "x".repeat(100_000),
});

describe("redis cluster change feed", () => {
  it("listens on the master of its channel's slot, with sharded pub/sub", async () => {
    const namespace = freshNamespace();
    const target = await new RedisClusterChangeFeed({ nodes: NODES, namespace }).start();
    try {
      const [listener] = await clients(target.listenerName);
      expect(listener).toBeDefined();
      const [admin] = listener as [Redis, string];
      // The listener's node is the one that answers SPUBLISH on the channel without MOVED.
      expect(await admin.call("SPUBLISH", target.channel, "not a change")).toBe(1);
      expect(await admin.call("PUBSUB", "SHARDNUMSUB", target.channel)).toEqual([target.channel, 1]);
    } finally {
      await target.close();
    }
  });

  it("refuses to start when the cluster cannot be reached, leaving nothing open", async () => {
    const target = new RedisClusterChangeFeed({
      nodes: [{ host: "127.0.0.1", port: 1 }],
      namespace: freshNamespace(),
    });
    await expect(target.start()).rejects.toThrow();
    expect(target.connected).toBe(false);
  });
});
