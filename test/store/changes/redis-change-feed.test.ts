import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { RedisChangeFeed } from "../../../src/store/redis/redis-change-feed.js";
import { describeSharedChangeFeed, freshNamespace, listen } from "./change-feed-suite.js";

const SERVER = "redis://127.0.0.1:6379/0";
const admin = new Redis(SERVER);

afterAll(async () => {
  await admin.quit();
});

/** The ids of the connections named `name`, from `CLIENT LIST`. */
async function clientIds(name: string): Promise<string[]> {
  const list = (await admin.call("CLIENT", "LIST")) as string;
  return list
    .split("\n")
    .filter((line) => line.split(" ").includes(`name=${name}`))
    .map((line) => /(?:^| )id=(\d+)/.exec(line)?.[1] ?? "");
}

/** Kills this test's own connections by client name (Redis's CLIENT KILL has no name filter). */
async function killClients(name: string): Promise<void> {
  const ids = await clientIds(name);
  expect(ids.length).toBe(1);
  for (const id of ids) await admin.call("CLIENT", "KILL", "ID", id);
}

describeSharedChangeFeed<RedisChangeFeed>({
  name: "redis",
  create: (namespace, connectionName) =>
    new RedisChangeFeed({ connection: SERVER, namespace, connectionName }).start(),
  killListener: (target) => killClients(target.listenerName),
  publishRaw: async (target, message) => {
    await admin.publish(target.channel, message);
  },
  connectionsOf: async (target) =>
    (await clientIds(target.listenerName)).length + (await clientIds(target.publisherName)).length,
  largeValue: "x".repeat(100_000),
});

describe("redis event target", () => {
  it("publishes again after its publishing connection is killed", async () => {
    const namespace = freshNamespace();
    const a = await new RedisChangeFeed({
      connection: SERVER,
      namespace,
      connectionName: `a-${namespace}`,
    }).start();
    const b = await new RedisChangeFeed({
      connection: SERVER,
      namespace,
      connectionName: `b-${namespace}`,
    }).start();
    try {
      const onB = listen(b);
      await killClients(a.publisherName);
      // A change published while the connection is down is dropped, so publish until one is heard.
      let version = 0;
      let heard: number | undefined;
      const next = onB.next().then((change) => {
        heard = change.version;
      });
      await vi.waitFor(
        () => {
          if (heard === undefined) {
            a.pubsub.publish("valueChanged", { featureName: "score", entityId: "e", version: ++version });
          }
          expect(heard).toBeDefined();
        },
        { timeout: 15_000, interval: 50 },
      );
      await next;
      expect(a.connected).toBe(true);
      expect(await clientIds(a.publisherName)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("refuses to start when Redis cannot be reached, leaving nothing open", async () => {
    const target = new RedisChangeFeed({
      connection: { port: 1, host: "127.0.0.1", retryStrategy: () => null },
      namespace: freshNamespace(),
    });
    await expect(target.start()).rejects.toThrow();
    expect(target.connected).toBe(false);
  });

  it("refuses a namespace that could not name a channel of its own", () => {
    expect(() => new RedisChangeFeed({ connection: SERVER, namespace: "a}b" })).toThrow(/namespace/);
  });
});
