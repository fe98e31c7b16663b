import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { dropStore, FeatureStore, openStore } from "../../src/index.js";
import { namespacePattern } from "../../src/store/redis/redis-keys.js";
import { RedisClusterBackend } from "../../src/store/redis-cluster/redis-cluster-backend.js";
import { describeConformance, errorCode } from "../../src/testing.js";

/** The shared local cluster that scripts/redis-cluster.sh starts (CI runs it before the tests). */
const NODES = [7000, 7001, 7002].map((port) => ({ host: "127.0.0.1", port }));
const namespaces: string[] = [];

/** A namespace no other test (or test run) uses; its keys are deleted after the file. */
function freshNamespace(): string {
  const namespace = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  namespaces.push(namespace);
  return namespace;
}

afterAll(async () => {
  for (const namespace of namespaces) {
    await dropStore(`redis+cluster://127.0.0.1:7000/?namespace=${namespace}`);
  }
}, 120_000);

// The suite reads back complete histories of up to 2000 writes per key; the default retention
// (1000) would trim them.
const FULL_HISTORY = { historyRetention: 10_000 };

describeConformance({
  name: "redis-cluster",
  create: () => new RedisClusterBackend({ nodes: NODES, namespace: freshNamespace(), ...FULL_HISTORY }),
  reopen: (backend) =>
    new RedisClusterBackend({
      nodes: NODES,
      namespace: (backend as RedisClusterBackend).namespace,
      ...FULL_HISTORY,
    }),
  storeOptions: { operationTimeoutMs: 30_000 },
});

const num = (name: string) => ({ name, featureType: "NUMERIC", valueType: "INT" }) as const;
const admins = NODES.map(({ host, port }) => new Redis({ host, port }));

afterAll(async () => {
  await Promise.all(admins.map((admin) => admin.quit()));
});

/** How many keys of the namespace each master holds. */
async function keysPerMaster(namespace: string): Promise<number[]> {
  return Promise.all(
    admins.map(async (admin) => {
      let count = 0;
      let cursor = "0";
      do {
        const [next, keys] = await admin.scan(cursor, "MATCH", namespacePattern(namespace), "COUNT", 1000);
        count += keys.length;
        cursor = next;
      } while (cursor !== "0");
      return count;
    }),
  );
}

describe("redis cluster store", () => {
  it("opens from a redis+cluster URL, declares batches across entities not atomic, and refuses URLs it cannot honour", async () => {
    const namespace = freshNamespace();
    const store = await openStore(
      `redis+cluster://127.0.0.1:7000,127.0.0.1:7001/?namespace=${namespace}&historyRetention=7`,
    );
    expect(store.backend).toBe("redis-cluster");
    expect(store.capabilities).toMatchObject({
      atomicAcrossEntities: false,
      historyRetention: 7,
      durable: true,
    });
    await store.close();
    for (const bad of [
      `redis+cluster://127.0.0.1:7000/1?namespace=${namespace}`,
      `redis+cluster://127.0.0.1:7000/?namespace=${namespace}&db=2`,
      "redis+cluster://127.0.0.1:x/",
      "redis+cluster://127.0.0.1:7000/?namespace=a:b",
      "redis+cluster://127.0.0.1:7000/?historyRetention=0",
    ]) {
      expect(await errorCode(openStore(bad)), bad).toBe("INVALID_CONFIG");
    }
  });

  it("spreads entities over every master and reads and writes them in one call", async () => {
    const namespace = freshNamespace();
    const store = await openStore(`redis+cluster://127.0.0.1:7000/?namespace=${namespace}`);
    try {
      await store.registerFeature(num("f"));
      await store.registerFeature(num("g"));
      const ids = Array.from({ length: 60 }, (_, i) => `u${i}`);
      const written = await store.setValues(
        ids.flatMap((entityId, i) => [
          { featureName: "f", entityId, value: i },
          { featureName: "g", entityId, value: -i },
        ]),
      );
      expect(written.every((w) => w.version === 1)).toBe(true);
      // Every master holds some of them (the catalog adds a key on one).
      expect((await keysPerMaster(namespace)).every((n) => n > 0)).toBe(true);
      const vectors = await store.getVectors([...ids, ids[0] as string], ["f", "g"]);
      expect(vectors.map((v) => [v.entityId, v.values.f, v.values.g])).toEqual(
        [...ids, ids[0]].map((id) => [id, Number(id?.slice(1)), -Number(id?.slice(1))]),
      );
    } finally {
      await store.close();
    }
  });

  it("scans a feature's current values on every master, and stops at the bound", async () => {
    const namespace = freshNamespace();
    const backend = new RedisClusterBackend({ nodes: NODES, namespace });
    const store = await new FeatureStore(backend).open();
    try {
      await store.registerFeature(num("f"));
      const ids = Array.from({ length: 90 }, (_, i) => `s${i}`);
      await store.setValues(ids.map((entityId, i) => ({ featureName: "f", entityId, value: i })));
      const all = await backend.scanCurrent("f", 1000);
      expect(all.complete).toBe(true);
      expect(all.entries.map((e) => Number(e.payload)).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i));
      const bounded = await backend.scanCurrent("f", 40);
      expect(bounded.complete).toBe(false);
      expect(bounded.entries).toHaveLength(40);
    } finally {
      await store.close();
    }
  });

  it("drops a namespace on every master, and no other", async () => {
    const [namespace, other] = [freshNamespace(), freshNamespace()];
    for (const ns of [namespace, other]) {
      const store = await openStore(`redis+cluster://127.0.0.1:7000/?namespace=${ns}`);
      await store.registerFeature(num("f"));
      await store.setValues(
        Array.from({ length: 30 }, (_, i) => ({ featureName: "f", entityId: `d${i}`, value: i })),
      );
      await store.close();
    }
    await dropStore(`redis+cluster://127.0.0.1:7001/?namespace=${namespace}`);
    expect(await keysPerMaster(namespace)).toEqual([0, 0, 0]);
    expect((await keysPerMaster(other)).every((n) => n > 0)).toBe(true);
  });
});
