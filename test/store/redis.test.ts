import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  type EntryWrite,
  type FeatureStore,
  type FeatureStoreError,
  InMemoryFeatureStore,
  logger,
  MemoryBackend,
  openStore,
  type TrainingRow,
} from "../../src/index.js";
import { RedisBackend, RedisFeatureStore, type RedisStoreOptions } from "../../src/redis.js";
import { decodeEntryText } from "../../src/store/entry-text.js";
import { entityKeys, namespaceKeys, namespacePattern } from "../../src/store/redis/redis-keys.js";
import { describeConformance, errorCode } from "../../src/testing.js";
import { expectConcurrentWritersGapFree } from "./processes.js";

const SERVER = "redis://127.0.0.1:6379/0";
/** A namespace no other test (or test run) uses; its keys are deleted after the file. */
function freshNamespace(): string {
  return `t_${process.pid}_${randomBytes(4).toString("hex")}`;
}

const admin = new Redis(SERVER);

/** Every key of a namespace, found the way an operator would: SCAN MATCH on its prefix. */
async function namespaceKeyList(namespace: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await admin.scan(cursor, "MATCH", namespacePattern(namespace), "COUNT", 1000);
    found.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

afterAll(async () => {
  // One SCAN over the shared server for all of this run's namespaces (they share the prefix
  // `t_<pid>_`), not one per namespace: on a server holding other runs' keys too, fifteen full
  // passes outlast the hook's timeout.
  const prefix = `fs:{t_${process.pid}_*`;
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", prefix, "COUNT", 1000);
    if (keys.length > 0) await admin.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  await admin.quit();
}, 120_000);

const open = (namespace: string, options: Omit<RedisStoreOptions, "namespace"> = {}) =>
  new RedisFeatureStore({ connection: SERVER, ...options, namespace }).open();

// The suite reads back complete histories of up to 2000 writes per key; the default retention
// (1000) would trim them. Trimming itself is tested below.
const FULL_HISTORY = { historyRetention: 10_000 };

describeConformance({
  name: "redis",
  create: () => new RedisBackend({ connection: SERVER, namespace: freshNamespace(), ...FULL_HISTORY }),
  reopen: (backend) =>
    new RedisBackend({ connection: SERVER, namespace: (backend as RedisBackend).namespace, ...FULL_HISTORY }),
  // The suite's largest batches must not trip the 5 s default on a machine busy with other work.
  storeOptions: { operationTimeoutMs: 30_000 },
});

/** CRC16/XMODEM mod 16384 of the hash tag (or whole key), as Redis Cluster places keys. */
function clusterSlot(key: string): number {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed, "utf8")) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

/** The names of the complete RESP commands at the start of `buffer`, and how many bytes they take. */
function parseCommands(buffer: Buffer): { names: string[]; consumed: number } {
  const names: string[] = [];
  let consumed = 0;
  for (;;) {
    const header = buffer.indexOf("\r\n", consumed);
    if (header < 0) break;
    const count = Number(buffer.toString("latin1", consumed + 1, header));
    let pos = header + 2;
    let name = "";
    let complete = true;
    for (let i = 0; i < count && complete; i++) {
      const lengthEnd = buffer.indexOf("\r\n", pos);
      const start = lengthEnd + 2;
      const end = start + Number(buffer.toString("latin1", pos + 1, lengthEnd));
      complete = lengthEnd >= 0 && end + 2 <= buffer.length;
      if (complete && i === 0) name = buffer.toString("latin1", start, end).toLowerCase();
      pos = end + 2;
    }
    if (!complete) break;
    names.push(name);
    consumed = pos;
  }
  return { names, consumed };
}

/**
 * A TCP relay to Redis that records every command passing through and, while holding, keeps
 * Redis's replies from the client. A client that waits for a reply before sending more stalls
 * behind it, so what arrives while holding is exactly what the client sends in one round trip.
 * Silenced, it plays a server that has stopped answering altogether.
 */
class ReplyGate {
  readonly commands: string[] = [];
  private holding = false;
  /** While silent the relay swallows traffic both ways but keeps the client's socket open. */
  private silent = false;
  private readonly clients = new Set<Socket>();
  private held: { socket: Socket; chunk: Buffer }[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server) {}

  static async start(targetPort: number): Promise<ReplyGate> {
    const gate: ReplyGate = new ReplyGate(
      createServer((client) => {
        const upstream = tcpConnect(targetPort, "127.0.0.1");
        gate.sockets.add(client).add(upstream);
        let pending = Buffer.alloc(0);
        client.on("data", (chunk: Buffer) => {
          if (gate.silent) return;
          pending = Buffer.concat([pending, chunk]);
          const { names, consumed } = parseCommands(pending);
          gate.commands.push(...names);
          pending = pending.subarray(consumed);
          upstream.write(chunk);
        });
        upstream.on("data", (chunk: Buffer) => {
          if (gate.silent) return;
          if (gate.holding) gate.held.push({ socket: client, chunk });
          else client.write(chunk);
        });
        gate.clients.add(client);
        client.on("close", () => {
          gate.clients.delete(client);
          upstream.destroy();
        });
        upstream.on("close", () => client.destroy());
      }),
    );
    await new Promise<void>((resolve) => gate.server.listen(0, "127.0.0.1", resolve));
    return gate;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** Client connections still open through the relay. */
  get openClients(): number {
    return this.clients.size;
  }

  /** From now on nothing passes either way: a server that has stopped answering. */
  silence(): void {
    this.silent = true;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const { socket, chunk } of this.held.splice(0)) socket.write(chunk);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const num = (name: string) => ({ name, featureType: "NUMERIC", valueType: "INT" }) as const;
const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d));

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The messages of the `logger.warn` calls made while `fn` ran, with their structured fields. */
async function warnings(fn: () => Promise<void>): Promise<{ fields: unknown; message: unknown }[]> {
  const spy = vi.spyOn(logger, "warn");
  try {
    await fn();
    return spy.mock.calls.map(([fields, message]) => ({ fields, message }));
  } finally {
    spy.mockRestore();
  }
}

describe("redis store", () => {
  it("opens from a URL with namespace and retention, and refuses bad settings", async () => {
    const namespace = freshNamespace();
    const store = await openStore(`${SERVER}?namespace=${namespace}&historyRetention=7`);
    expect(store.backend).toBe("redis");
    expect(store.capabilities.historyRetention).toBe(7);
    await store.registerFeature(num("f"));
    expect(await namespaceKeyList(namespace)).toEqual([namespaceKeys(namespace).catalog("feature")]);
    await store.close();
    const byDefault = RedisFeatureStore.fromUrl(SERVER);
    expect([byDefault.namespace, byDefault.historyRetention]).toEqual(["default", 1000]);
    expect(await errorCode(openStore(`${SERVER}?namespace=a:b`))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore(`${SERVER}?namespace=a%7Bb`))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore(`${SERVER}?historyRetention=0`))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore(`${SERVER}?historyRetention=many`))).toBe("INVALID_CONFIG");
    expect(() => RedisFeatureStore.fromUrl("http://127.0.0.1:6379")).toThrow(/redis:\/\//);
    expect(() => new RedisFeatureStore({ namespace: "" })).toThrow(/namespace/);
  });

  it("refuses to open on a database the server does not have, writing nowhere", async () => {
    const namespace = freshNamespace();
    const before = await namespaceKeyList(namespace);
    expect(await errorCode(openStore(`redis://127.0.0.1:6379/99?namespace=${namespace}`))).toBe(
      "INVALID_CONFIG",
    );
    expect(await namespaceKeyList(namespace)).toEqual(before);
  });

  it("moves definitions and groups of the layout before the catalog into it on open", async () => {
    const namespace = freshNamespace();
    const keys = namespaceKeys(namespace);
    await admin.hset(keys.legacy.definitions, "age", '["age","NUMERIC","INT","0",["user"],null,null,null]');
    await admin.hset(keys.legacy.groups, "g", '["g",["age"],null,[]]');
    const store = await open(namespace);
    expect(await store.getDefinition("age")).toMatchObject({ name: "age", defaultValue: 0, tags: ["user"] });
    expect(await store.getGroup("g")).toMatchObject({ featureNames: ["age"] });
    expect(await admin.exists(keys.legacy.definitions, keys.legacy.groups)).toBe(0);
    await store.close();
    const again = await open(namespace);
    expect((await again.listFeatures()).map((f) => f.name)).toEqual(["age"]);
    await again.close();
  });

  it("keeps namespaces apart, and its SCAN pattern matches one namespace only", async () => {
    const first = freshNamespace();
    const second = `${first}x`;
    const a = await open(first);
    const b = await open(second);
    await a.registerFeature(num("f"));
    await b.registerFeature(num("f"));
    await a.setValue("f", "u", 1);
    await b.setValue("f", "u", 2);
    await b.setValue("f", "u", 3);
    expect(await a.getValue("f", "u")).toMatchObject({ value: 1, version: 1 });
    expect(await b.getValue("f", "u")).toMatchObject({ value: 3, version: 2 });
    const keys = await namespaceKeyList(first);
    expect(keys.sort()).toEqual(
      [
        namespaceKeys(first).catalog("feature"),
        entityKeys(first, "u").current,
        entityKeys(first, "u").sequence,
        entityKeys(first, "u").history("f"),
        entityKeys(first, "u").timeline("f"),
      ].sort(),
    );
    await a.close();
    await b.close();
  });

  it("trims history to the newest N entries while versions keep counting", async () => {
    const store = await open(freshNamespace(), { historyRetention: 3 });
    await store.registerFeature(num("f"));
    const day = (d: number) => new Date(Date.UTC(2026, 0, d));
    // Version 1 has the latest event time, so it stays current after it leaves the history.
    await store.setValue("f", "u", 100, { eventTime: day(20) });
    for (let v = 2; v <= 7; v++) await store.setValue("f", "u", v, { eventTime: day(v) });
    expect((await store.history("f", "u")).map((h) => [h.version, h.value])).toEqual([
      [5, 5],
      [6, 6],
      [7, 7],
    ]);
    expect((await store.setValue("f", "u", 8, { eventTime: day(8) })).version).toBe(8);
    expect((await store.history("f", "u")).map((h) => h.version)).toEqual([6, 7, 8]);
    expect(await store.getValue("f", "u", { version: 5 })).toBeNull();
    expect((await store.getValue("f", "u", { version: 6 }))?.value).toBe(6);
    expect(await store.getValue("f", "u")).toMatchObject({ value: 100, version: 1 });
    expect(await store.getValue("f", "u", { asOf: day(25) })).toMatchObject({ value: 100, version: 1 });
    expect((await store.getValue("f", "u", { asOf: day(7) }))?.value).toBe(7);
    expect(await errorCode(store.getValue("f", "u", { asOf: day(5) }))).toBe("HISTORY_TRIMMED");
    const keys = entityKeys((store as RedisFeatureStore).namespace, "u");
    expect(await admin.hlen(keys.history("f"))).toBe(3);
    expect(await admin.zcard(keys.timeline("f"))).toBe(3);
    await store.close();
  });

  it("keeps every key of an entity in one hash slot, ids with braces included", async () => {
    expect([clusterSlot("123456789"), clusterSlot("foo"), clusterSlot("{user1000}.following")]).toEqual([
      12739,
      12182,
      clusterSlot("user1000"),
    ]);
    const namespace = freshNamespace();
    const store = await open(namespace);
    await store.registerFeature(num("f"));
    await store.registerFeature(num("g"));
    const ids = ["plain", "a}b", "a%7Db", "{x}", "}{", "{}", "{", "}", "%", "user:{42}:x", "ü}"];
    await store.setValues(
      ids.flatMap((entityId, i) => [
        { featureName: "f", entityId, value: i },
        { featureName: "g", entityId, value: -i },
      ]),
    );
    const vectors = await store.getVectors(ids, ["f", "g"]);
    expect(vectors.map((v) => [v.values.f, v.values.g])).toEqual(ids.map((_, i) => [i, -i]));
    const all = new Set(await namespaceKeyList(namespace));
    const owned = new Set<string>();
    for (const id of ids) {
      const keys = entityKeys(namespace, id);
      const entityKeyList = [keys.current, keys.sequence, keys.history("f"), keys.timeline("f")];
      entityKeyList.push(keys.history("g"), keys.timeline("g"));
      for (const key of entityKeyList) {
        expect(all.has(key), key).toBe(true);
        expect(owned.has(key), `${key} shared by two entities`).toBe(false);
        owned.add(key);
      }
      expect(new Set(entityKeyList.map(clusterSlot)).size, id).toBe(1);
    }
    expect([...all].filter((key) => !owned.has(key))).toEqual([namespaceKeys(namespace).catalog("feature")]);
    await store.close();
  });

  it("returns versions in input order for a batch over several entities", async () => {
    const store = await open(freshNamespace());
    await store.registerFeature(num("f"));
    await store.setValue("f", "b", 0);
    const written = await store.setValues(
      ["a", "b", "a", "c", "b", "a"].map((entityId, i) => ({ featureName: "f", entityId, value: i })),
    );
    expect(written.map((w) => [w.entityId, w.version])).toEqual([
      ["a", 1],
      ["b", 2],
      ["a", 2],
      ["c", 1],
      ["b", 3],
      ["a", 3],
    ]);
    expect((await store.history("f", "a")).map((h) => h.value)).toEqual([0, 2, 5]);
    await store.close();
  });

  it("gives three processes writing one key at once versions 1..n with no gap or repeat", async () => {
    await expectConcurrentWritersGapFree(`${SERVER}?namespace=${freshNamespace()}&historyRetention=1000000`);
  }, 120_000);

  it("reads 100 entities x 50 features in one command", async () => {
    const gate = await ReplyGate.start(6379);
    const store = await new RedisFeatureStore({
      connection: `redis://127.0.0.1:${gate.port}/0`,
      namespace: freshNamespace(),
      operationTimeoutMs: 0,
      // The periodic refresh of cached definitions is a call of its own, beside reads: this test
      // counts the commands of the read alone.
      catalogRefreshMs: 0,
    }).open();
    try {
      const names = Array.from({ length: 50 }, (_, i) => `f${i}`);
      for (const n of names) await store.registerFeature(num(n));
      const ids = Array.from({ length: 100 }, (_, i) => `e${i}`);
      await store.setValues(
        ids.flatMap((entityId, e) =>
          names.map((featureName, f) => ({ featureName, entityId, value: e * f })),
        ),
      );
      await store.getVectors(ids, names); // loads the read script into the server
      gate.commands.length = 0;
      gate.hold();
      const pending = store.getVectors(ids, names);
      pending.catch(() => undefined); // awaited below; this only keeps a failed run from reporting it twice
      await vi.waitFor(() => expect(gate.commands.length).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
      expect(gate.commands).toEqual(["evalsha"]);
      gate.release();
      const vectors = await pending;
      expect(gate.commands).toEqual(["evalsha"]);
      expect(vectors.map((v) => v.values.f7)).toEqual(ids.map((_, e) => e * 7));
      expect(vectors.every((v) => v.entries.every((entry) => !entry.usedDefault))).toBe(true);
    } finally {
      gate.release();
      await store.close();
      await gate.close();
    }
  });
  it("takes the namespace rule every network backend shares", async () => {
    for (const namespace of ["Upper", "a-b", "a.b", "a:b", "a}b", "", "n".repeat(51)]) {
      expect(() => new RedisFeatureStore({ namespace }), namespace).toThrow(
        /namespace .*1-50 lowercase letters, digits or "_"/,
      );
    }
    expect(new RedisFeatureStore({ namespace: "n".repeat(50) }).namespace).toBe("n".repeat(50));
    expect(RedisFeatureStore.fromUrl(`${SERVER}?namespace=bench_${process.pid}`).namespace).toBe(
      `bench_${process.pid}`,
    );
  });

  it("refuses a malformed URL without repeating its password", () => {
    // The parsing itself is tested once, in store-url.test.ts; this checks the backend uses it.
    expect(() => RedisFeatureStore.fromUrl("http://user:s3cret@127.0.0.1:6379/0")).toThrow(
      /starts with redis/,
    );
    expect(() => RedisFeatureStore.fromUrl("http://user:s3cret@127.0.0.1:6379/0")).not.toThrow(/s3cret/);
  });

  it("writes a deletion marker only over a live value, in batches too", async () => {
    const namespace = freshNamespace();
    const store = new RedisBackend({ connection: SERVER, namespace });
    await store.connect();
    const reference = new MemoryBackend();
    const marker = (entityId: string, d = 5): EntryWrite => ({
      featureName: "f",
      entityId,
      payload: null,
      eventTimeMs: day(d).getTime(),
    });
    const value = (entityId: string, d: number): EntryWrite => ({
      featureName: "f",
      entityId,
      payload: String(d),
      eventTimeMs: day(d).getTime(),
    });
    // A marker dated before the current value goes into the history without superseding it, so
    // the value stays live and a later marker deletes it again.
    const batches = [
      [marker("a"), value("a", 1), marker("a"), marker("a"), value("b", 2)],
      [marker("b"), marker("b"), value("a", 9), marker("a"), value("a", 3), marker("a")],
      [marker("a", 20)],
      [marker("a", 21)],
      [marker("c")],
    ];
    const got: number[][] = [];
    for (const batch of batches) {
      const [mine, want] = await Promise.all([store.appendEntries(batch), reference.appendEntries(batch)]);
      expect(mine).toEqual(want);
      got.push(mine);
    }
    expect(got).toEqual([[0, 1, 2, 0, 1], [2, 0, 3, 4, 5, 6], [7], [0], [0]]);
    // Nothing was written for a skipped marker: no version spent, no key created.
    expect(await admin.hgetall(entityKeys(namespace, "a").sequence)).toEqual({ f: "7" });
    expect(await admin.exists(entityKeys(namespace, "c").current, entityKeys(namespace, "c").sequence)).toBe(
      0,
    );
    await store.disconnect();
  });

  it("answers HISTORY_TRIMMED, never an older value, when trimming removed the entry in force as of a time", async () => {
    const store = await open(freshNamespace(), { historyRetention: 2 });
    await store.registerFeature({ ...num("f"), defaultValue: -1 });
    for (const d of [20, 10, 5, 6]) await store.setValue("f", "u", d, { eventTime: day(d) });
    // Versions 1 (day 20) and 2 (day 10) were trimmed; on day 12 the value of day 10 was in force.
    expect(await errorCode(store.getValue("f", "u", { asOf: day(12) }))).toBe("HISTORY_TRIMMED");
    expect(await errorCode(store.getValue("f", "u", { asOf: day(10) }))).toBe("HISTORY_TRIMMED");
    // Before every trimmed entry, and after the current one, the answer is exact.
    expect((await store.getValue("f", "u", { asOf: day(7) }))?.value).toBe(6);
    expect((await store.getValue("f", "u", { asOf: day(5) }))?.value).toBe(5);
    expect(await store.getValue("f", "u", { asOf: day(4) })).toBeNull();
    expect((await store.getValue("f", "u", { asOf: day(25) }))?.value).toBe(20);
    // Vectors and training sets flag the unknown answer instead of serving the default.
    const [vector] = await store.getVectors(["u"], ["f"], { asOf: day(12) });
    expect(vector?.entries[0]).toMatchObject({ value: null, usedDefault: false, historyTrimmed: true });
    const rows = [day(12), day(7), day(4), day(25)].map((timestamp) => ({ entityId: "u", timestamp }));
    const joined: unknown[] = [];
    for await (const chunk of store.trainingSet(rows, ["f"])) {
      joined.push(...chunk.map((r) => [r.values.f, r.entries[0]?.historyTrimmed ?? false]));
    }
    expect(joined).toEqual([
      [null, true],
      [6, false],
      [-1, false],
      [20, false],
    ]);
    // A retained entry at least as late as the time asked for beats every trimmed one.
    await store.setValue("f", "u", 11, { eventTime: day(11) });
    expect((await store.getValue("f", "u", { asOf: day(11) }))?.value).toBe(11);
    await store.close();
  });

  it("never answers a read as of a time with a value the reference store would not (property)", async () => {
    let round = 0;
    const write = fc.record({ day: fc.integer({ min: 0, max: 9 }), deletion: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(write, { minLength: 1, maxLength: 12 }),
        async (retention, writes) => {
          const store = await open(freshNamespace(), { historyRetention: retention });
          const reference = await new InMemoryFeatureStore().open();
          const id = `r${round++}`;
          for (const s of [store, reference] as FeatureStore[]) await s.registerFeature(num("p"));
          for (const [i, w] of writes.entries()) {
            for (const s of [store, reference] as FeatureStore[]) {
              if (w.deletion) await s.deleteValue("p", id);
              else await s.setValue("p", id, i, { eventTime: day(w.day) });
            }
          }
          const current = await reference.getValue("p", id);
          const rows = Array.from({ length: 11 }, (_, d) => ({ entityId: id, timestamp: day(d) }));
          const joined: TrainingRow[] = [];
          for await (const chunk of store.trainingSet(rows, ["p"], { chunkSize: 4 })) joined.push(...chunk);
          for (let d = 0; d <= 10; d++) {
            const got = await store.getValue("p", id, { asOf: day(d) }).catch((err: unknown) => {
              expect((err as FeatureStoreError).code).toBe("HISTORY_TRIMMED");
              return "unknown" as const;
            });
            const want = await reference.getValue("p", id, { asOf: day(d) });
            const entry = joined[d]?.entries[0];
            // Exact where it can be; otherwise "unknown", said so.
            expect(entry?.historyTrimmed === true).toBe(got === "unknown");
            if (got === "unknown") {
              expect(current !== null && current.timestamp <= day(d)).toBe(false);
            } else {
              expect(got && [got.version, got.value]).toEqual(want && [want.version, want.value]);
              expect(entry?.usedDefault ? null : [entry?.version, entry?.value]).toEqual(
                want && [want.version, want.value],
              );
            }
          }
          await Promise.all([store.close(), reference.close()]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("writes a batch of 50,000 values of one entity", async () => {
    const store = await open(freshNamespace(), { historyRetention: 100_000 });
    await store.registerFeature(num("f"));
    await store.registerFeature(num("g"));
    const n = 50_000;
    const written = await store.setValues(
      Array.from({ length: n }, (_, i) => ({ featureName: i % 2 ? "g" : "f", entityId: "big", value: i })),
    );
    expect(written.map((w) => w.version)).toEqual(Array.from({ length: n }, (_, i) => Math.floor(i / 2) + 1));
    expect((await store.getVector("big", ["f", "g"])).values).toEqual({ f: n - 2, g: n - 1 });
    const history = await store.history("g", "big");
    expect(history.map((h) => h.value)).toEqual(Array.from({ length: n / 2 }, (_, i) => 2 * i + 1));
    await store.close();
  }, 60_000);

  it("calls a connection failure unreachable and a fault of its own not", async () => {
    const port = await closedPort();
    const down = RedisFeatureStore.fromUrl(`redis://127.0.0.1:${port}/0`, { operationTimeoutMs: 3000 });
    await expect(down.open()).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
      message: new RegExp(`redis at 127\\.0\\.0\\.1:${port}/0 .*is unreachable: connect ECONNREFUSED`),
    });
    await down.close();
    const store = new RedisBackend({ connection: SERVER, namespace: freshNamespace() });
    const fault = store.translateError(new RangeError("Maximum call stack size exceeded"));
    expect(fault.code).toBe("BACKEND_UNAVAILABLE");
    expect(fault.message).toMatch(/RangeError: Maximum call stack size exceeded/);
    expect(fault.message).toMatch(/not a connection problem/);
    expect(fault.message).not.toMatch(/unreachable/);
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(store.translateError(reset).message).toMatch(/is unreachable: read ECONNRESET/);
  });

  it("warns once on open when the server's persistence can lose acknowledged writes", async () => {
    // The shared test server runs without an append-only file.
    expect(await admin.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
    let store: FeatureStore | undefined;
    const logged = await warnings(async () => {
      store = await open(freshNamespace());
      await store.registerFeature(num("f"));
      await store.setValue("f", "u", 1);
    });
    const durability = logged.filter(({ message }) => String(message).includes("persistence"));
    expect(durability).toHaveLength(1);
    expect(durability[0]?.fields).toMatchObject({ backend: "redis", appendonly: "no" });
    expect(String(durability[0]?.message)).toMatch(/set appendonly yes and appendfsync always/);
    await store?.close();
  });

  it("closes without waiting for a server that has stopped answering", async () => {
    const gate = await ReplyGate.start(6379);
    const store = await new RedisFeatureStore({
      connection: `redis://127.0.0.1:${gate.port}/0`,
      namespace: freshNamespace(),
    }).open();
    try {
      await store.registerFeature(num("f"));
      expect(gate.openClients).toBe(1);
      gate.silence();
      // QUIT gets no answer now; close() must still end, and drop the connection.
      await store.close();
      await vi.waitFor(() => expect(gate.openClients).toBe(0));
    } finally {
      await gate.close();
    }
  });
});

describe("redis entry text", () => {
  it("reads versions, event times (negative too) and payloads, including payloads with colons", () => {
    expect(decodeEntryText('12:1700000000000:"a:b"')).toEqual({
      version: 12,
      eventTimeMs: 1700000000000,
      payload: '"a:b"',
    });
    expect(decodeEntryText("3:-5")).toEqual({ version: 3, eventTimeMs: -5, payload: null });
    expect(decodeEntryText("7:-86400000:1.5")).toEqual({
      version: 7,
      eventTimeMs: -86400000,
      payload: "1.5",
    });
    // From an offset, as PostgreSQL's batch read answers it after a feature ordinal.
    expect(decodeEntryText('12:4:5:"x"', 3)).toEqual({ version: 4, eventTimeMs: 5, payload: '"x"' });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
        fc.option(fc.string()),
        (version, time, payload) => {
          const text = payload === null ? `${version}:${time}` : `${version}:${time}:${payload}`;
          expect(decodeEntryText(text)).toEqual({ version, eventTimeMs: time, payload });
        },
      ),
    );
  });
});
