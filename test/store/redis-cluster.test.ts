import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { dropStore, openStore } from "../../src/index.js";
import { RedisClusterBackend } from "../../src/store/redis-cluster/redis-cluster-backend.js";
import { describeConformance } from "../../src/testing.js";

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
});

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
