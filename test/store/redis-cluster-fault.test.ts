import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import calculateSlot from "cluster-key-slot";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BackendUnavailableError, type FeatureStore, openStore } from "../../src/index.js";
import { entityKeys } from "../../src/store/redis/redis-keys.js";
import { errorCode } from "../../src/testing.js";

const run = promisify(execFile);

/**
 * A throwaway three-master cluster of this file's own on 7100-7102 (the shared one on 7000-7002
 * stays up), started by the same script CI uses. Its nodes keep an append-only file fsynced on
 * every write, so a master killed and restarted comes back with every acknowledged write.
 */
const PORTS = [7100, 7101, 7102];
const dir = mkdtempSync(join(tmpdir(), "featurestore-redis-cluster-fault-"));
const env = {
  ...process.env,
  REDIS_CLUSTER_DIR: dir,
  REDIS_CLUSTER_ARGS: "--appendonly yes --appendfsync always",
};
const startCluster = () => run("scripts/redis-cluster.sh", PORTS.map(String), { env });

/** Kills a node the way a crash would (SIGKILL), and waits until it is gone. */
async function killNode(port: number): Promise<void> {
  const pid = Number(readFileSync(join(dir, String(port), "redis.pid"), "utf8"));
  process.kill(pid, "SIGKILL");
  await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), { timeout: 10_000 });
}

/** Which master port serves each slot, from CLUSTER SLOTS. */
async function slotOwners(): Promise<number[]> {
  const admin = new Redis({ host: "127.0.0.1", port: PORTS[0] });
  try {
    const owners = new Array<number>(16384);
    const ranges = (await admin.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
    for (const [from, to, [, port]] of ranges) owners.fill(port, from, to + 1);
    return owners;
  } finally {
    admin.disconnect();
  }
}

beforeAll(async () => {
  // Nodes left over from an earlier run that was killed would answer with that run's data dir.
  for (const port of PORTS)
    await run("redis-cli", ["-p", String(port), "shutdown", "nosave"]).catch(() => undefined);
  await startCluster();
}, 60_000);

afterAll(async () => {
  for (const port of PORTS)
    await run("redis-cli", ["-p", String(port), "shutdown", "nosave"]).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe("redis cluster faults", () => {
  let store: FeatureStore;
  const namespace = "fault";
  /** Entity ids by the port of the master that holds them: ten each. */
  const onMaster = new Map<number, string[]>(PORTS.map((port) => [port, []]));
  const dead = PORTS[1] as number;

  beforeAll(async () => {
    store = await openStore(
      `redis+cluster://127.0.0.1:${PORTS[0]},127.0.0.1:${PORTS[2]}/?namespace=${namespace}`,
      {
        operationTimeoutMs: 5000,
      },
    );
    await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT", defaultValue: -1 });
    const owners = await slotOwners();
    for (let i = 0; [...onMaster.values()].some((ids) => ids.length < 10); i++) {
      const id = `e${i}`;
      const ids = onMaster.get(
        owners[calculateSlot(entityKeys(namespace, id).current)] as number,
      ) as string[];
      if (ids.length < 10) ids.push(id);
    }
    const all = [...onMaster.values()].flat();
    await store.setValues(all.map((entityId, i) => ({ featureName: "n", entityId, value: i })));
  });

  afterAll(async () => {
    await store?.close();
  });

  const firstValue = (entityId: string) => [...onMaster.values()].flat().indexOf(entityId);
  const live = () => PORTS.filter((p) => p !== dead).flatMap((p) => onMaster.get(p) as string[]);
  const lost = () => onMaster.get(dead) as string[];

  /** What a read gives while the master is down: right values off it, BACKEND_UNAVAILABLE on it. */
  async function expectServedAroundTheDeadMaster(): Promise<void> {
    const vectors = await store.getVectors(live(), ["n"]);
    expect(vectors.map((v) => v.values.n)).toEqual(live().map(firstValue));
    expect(vectors.every((v) => v.entries.every((e) => !e.usedDefault))).toBe(true);
    for (const id of lost()) expect(await errorCode(store.getValue("n", id))).toBe("BACKEND_UNAVAILABLE");
    // A read mixing both never answers with defaults for the lost entities: it fails whole.
    expect(await errorCode(store.getVectors([...live(), ...lost()], ["n"]))).toBe("BACKEND_UNAVAILABLE");
    expect(await errorCode(store.getValue("n", lost()[0] as string, { asOf: new Date() }))).toBe(
      "BACKEND_UNAVAILABLE",
    );
    expect((await store.getValue("n", live()[0] as string, { asOf: new Date() }))?.value).toBe(
      firstValue(live()[0] as string),
    );
  }

  it("serves the entities of the other masters while one is down, and refuses those it held", async () => {
    await killNode(dead);
    // At once, before the cluster itself has noticed, and after it marked the master failed.
    await expectServedAroundTheDeadMaster();
    await vi.waitFor(
      async () => {
        const info = (await run("redis-cli", ["-p", String(PORTS[0]), "cluster", "info"])).stdout;
        expect(info).toMatch(/cluster_state:ok/); // partial coverage is served
        expect(info).toMatch(/cluster_slots_fail:5462|cluster_slots_fail:5461/);
      },
      { timeout: 20_000, interval: 200 },
    );
    await expectServedAroundTheDeadMaster();
    const health = await store.health();
    expect(health.ok).toBe(false);
  });

  it("writes the entities of live masters, refuses those of the dead one, and says a mixed batch was partly written", async () => {
    const [liveId, otherLiveId] = live() as [string, string];
    const lostId = lost()[0] as string;
    expect((await store.setValue("n", liveId, 1000)).version).toBe(2);
    expect(await errorCode(store.setValue("n", lostId, 1000))).toBe("BACKEND_UNAVAILABLE");
    const failure = await store
      .setValues([
        { featureName: "n", entityId: otherLiveId, value: 2000 },
        { featureName: "n", entityId: lostId, value: 2000 },
      ])
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(BackendUnavailableError);
    expect((failure as Error).message).toMatch(/not atomic across entities.*1 of 2 entities were written/);
    // What the error said was written, was.
    expect(await store.getValue("n", otherLiveId)).toMatchObject({ value: 2000, version: 2 });
  });

  it("recovers every entity after the master restarts, without reopening the store", async () => {
    await startCluster();
    await vi.waitFor(async () => expect((await store.health()).ok).toBe(true), {
      timeout: 30_000,
      interval: 200,
    });
    const [liveId, otherLiveId] = live() as [string, string];
    const all = [...onMaster.values()].flat();
    await vi.waitFor(
      async () => {
        const vectors = await store.getVectors(all, ["n"]);
        expect(vectors.map((v) => v.values.n)).toEqual(
          all.map((id) => (id === liveId ? 1000 : id === otherLiveId ? 2000 : firstValue(id))),
        );
      },
      { timeout: 30_000, interval: 200 },
    );
    // The writes refused while it was down were not applied; new ones are.
    const lostId = lost()[0] as string;
    expect(await store.history("n", lostId)).toHaveLength(1);
    expect((await store.setValue("n", lostId, 3000)).version).toBe(2);
    expect((await store.getValue("n", lostId))?.value).toBe(3000);
  }, 90_000);
});
