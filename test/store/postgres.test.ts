import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type EntryWrite, FeatureStore, openStore } from "../../src/index.js";
import { PostgresBackend, PostgresFeatureStore } from "../../src/postgres.js";
import { describeConformance, errorCode } from "../../src/testing.js";
import { expectConcurrentWritersGapFree } from "./processes.js";

const SERVER = "postgres://postgres@127.0.0.1:5432/test";
const namespaces: string[] = [];

/** A namespace no other test (or test run) uses; its schema is dropped after the file. */
function freshNamespace(): string {
  const namespace = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  namespaces.push(namespace);
  return namespace;
}

const admin = new pg.Client(SERVER);
beforeAll(() => admin.connect());
afterAll(async () => {
  for (const ns of namespaces) await admin.query(`DROP SCHEMA IF EXISTS "featurestore_${ns}" CASCADE`);
  await admin.end();
});

const open = (namespace: string, options: { poolSize?: number; client?: typeof pg.Client } = {}) =>
  new PostgresFeatureStore({
    connection: options.client ? { connectionString: SERVER, Client: options.client } : SERVER,
    namespace,
    poolSize: options.poolSize ?? 4,
  }).open();

describeConformance({
  name: "postgres",
  create: () => new PostgresBackend({ connection: SERVER, namespace: freshNamespace(), poolSize: 4 }),
  reopen: (backend) =>
    new PostgresBackend({
      connection: SERVER,
      namespace: (backend as PostgresBackend).namespace,
      poolSize: 4,
    }),
  // The suite's largest batches must not trip the 5 s default on a machine busy with other work.
  storeOptions: { operationTimeoutMs: 30_000 },
});

/** Every statement the store's pool sends, observed through a real `pg.Client` subclass. */
const sent: { text: string; values: unknown[] }[] = [];
/** Every connection the store's pool opened through {@link RecordingClient}. */
const recordingClients: pg.Client[] = [];
class RecordingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    recordingClients.push(this);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    Object.assign(this, {
      query: (...args: unknown[]) => {
        const [first, second] = args as [string | pg.QueryConfig, unknown[] | undefined];
        sent.push(
          typeof first === "string"
            ? { text: first, values: second ?? [] }
            : { text: first.text, values: first.values ?? [] },
        );
        return query(...args);
      },
    });
  }
}

async function schemaVersions(namespace: string): Promise<number[]> {
  const { rows } = await admin.query(`SELECT version FROM "featurestore_${namespace}".schema_version`);
  return rows.map((r) => r.version);
}

describe("postgres store", () => {
  it("opens from postgres:// and postgresql:// URLs, one schema per namespace", async () => {
    const ns = freshNamespace();
    const a = await openStore(`${SERVER}?namespace=${ns}`);
    expect(a.backend).toBe("postgres");
    await a.registerFeature({ name: "x", featureType: "NUMERIC", valueType: "INT" });
    await a.setValue("x", "u1", 7);
    const b = await openStore(`${SERVER.replace("postgres:", "postgresql:")}?namespace=${ns}&pool_size=2`);
    expect((await b.getValue("x", "u1"))?.value).toBe(7);
    const { rows } = await admin.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
      [`featurestore_${ns}`],
    );
    expect(rows.map((r) => r.table_name)).toEqual(["catalog", "current", "history", "schema_version"]);
    expect(await schemaVersions(ns)).toEqual([1, 2, 3]);
    await Promise.all([a.close(), b.close()]);
  });

  it("refuses bad namespaces and pool sizes before touching the server", async () => {
    for (const ns of ["Upper", "a-b", "", 'x"; DROP SCHEMA public; --', "n".repeat(51)]) {
      expect(() => new PostgresFeatureStore({ connection: SERVER, namespace: ns })).toThrow(/namespace/);
      expect(await errorCode(openStore(`${SERVER}?namespace=${encodeURIComponent(ns)}`))).toBe(
        "INVALID_CONFIG",
      );
    }
    expect(await errorCode(openStore(`${SERVER}?namespace=ok&pool_size=0`))).toBe("INVALID_CONFIG");
    expect(new PostgresFeatureStore({ connection: SERVER }).namespace).toBe("default");
  });

  it("lets stores opening one fresh namespace at the same moment all succeed, recording the schema once", async () => {
    const ns = freshNamespace();
    const stores = await Promise.all(Array.from({ length: 6 }, () => open(ns, { poolSize: 1 })));
    expect(await schemaVersions(ns)).toEqual([1, 2, 3]);
    await stores[0]?.registerFeature({ name: "x", featureType: "NUMERIC", valueType: "INT" });
    await stores[5]?.setValue("x", "u1", 1);
    expect((await stores[3]?.getValue("x", "u1"))?.version).toBe(1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("refuses a namespace written by a newer schema version", async () => {
    const ns = freshNamespace();
    await (await open(ns)).close();
    await admin.query(`INSERT INTO "featurestore_${ns}".schema_version (version) VALUES (99)`);
    const store = new PostgresFeatureStore({ connection: SERVER, namespace: ns });
    await expect(store.open()).rejects.toMatchObject({ code: "INVALID_CONFIG", message: /newer/ });
    await store.close();
  });

  it("gives processes starting together on a fresh namespace and writing one key at once versions 1..n", async () => {
    const ns = freshNamespace();
    await expectConcurrentWritersGapFree(`${SERVER}?namespace=${ns}&pool_size=2`);
    expect(await schemaVersions(ns)).toEqual([1, 2, 3]);
  }, 120_000);

  it("migrates a namespace of schema version 1, keeping its definitions, groups and values", async () => {
    const ns = freshNamespace();
    const schema = `"featurestore_${ns}"`;
    await admin.query(`
      CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
      INSERT INTO ${schema}.schema_version (version) VALUES (1);
      CREATE TABLE ${schema}.definitions (name TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE ${schema}.groups (name TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE ${schema}.history (feature TEXT NOT NULL, entity TEXT NOT NULL, version INTEGER NOT NULL,
        event_time BIGINT NOT NULL, payload TEXT, PRIMARY KEY (feature, entity, version));
      CREATE INDEX history_as_of ON ${schema}.history (feature, entity, event_time DESC, version DESC);
      CREATE TABLE ${schema}.current (entity TEXT NOT NULL, feature TEXT NOT NULL, last_version INTEGER NOT NULL,
        version INTEGER NOT NULL, event_time BIGINT NOT NULL, payload TEXT, PRIMARY KEY (entity, feature));
      INSERT INTO ${schema}.definitions VALUES ('age', '["age","NUMERIC","INT","0",["user"],null,null,null]');
      INSERT INTO ${schema}.groups VALUES ('g', '["g",["age"],null,[]]');
      INSERT INTO ${schema}.history VALUES ('age', 'u1', 1, 1700000000000, '31');
      INSERT INTO ${schema}.current VALUES ('u1', 'age', 1, 1, 1700000000000, '31');
    `);
    const store = await open(ns);
    expect(await store.getDefinition("age")).toMatchObject({ name: "age", defaultValue: 0, tags: ["user"] });
    expect(await store.getGroup("g")).toMatchObject({ featureNames: ["age"] });
    expect((await store.getValue("age", "u1"))?.value).toBe(31);
    expect((await store.setValue("age", "u1", 32)).version).toBe(2);
    expect(await schemaVersions(ns)).toEqual([1, 2, 3]);
    await store.close();
  });

  it("lets only one of several deletions waiting on the same row write its marker", async () => {
    const ns = freshNamespace();
    const applicationName = `fs_del_${randomBytes(4).toString("hex")}`;
    const backend = new PostgresBackend({
      connection: { connectionString: SERVER, application_name: applicationName },
      namespace: ns,
      poolSize: 4,
    });
    const store = await new FeatureStore(backend).open();
    await store.registerFeature({ name: "p", featureType: "NUMERIC", valueType: "INT" });
    await store.setValue("p", "k", 1);
    const marker: EntryWrite = { featureName: "p", entityId: "k", payload: null, eventTimeMs: Date.now() };
    // Hold the row so all three deletions have read it live and wait on its lock together. (A
    // client of its own: inside a transaction pg_stat_activity would not change between polls.)
    const holder = new pg.Client(SERVER);
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(`SELECT * FROM "featurestore_${ns}".current FOR UPDATE`);
    const deletions = [1, 2, 3].map(() => backend.appendEntries([marker]));
    try {
      await vi.waitFor(
        async () => {
          const { rows } = await admin.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
            [applicationName],
          );
          expect(rows[0].n).toBe(3);
        },
        { timeout: 10_000, interval: 20 },
      );
    } finally {
      await holder.query("COMMIT");
      await holder.end();
    }
    const versions = (await Promise.all(deletions)).flat();
    expect(versions.sort((a, b) => a - b)).toEqual([0, 0, 2]);
    expect(
      (await backend.readHistory({ featureName: "p", entityId: "k" })).map((e) => [e.version, e.payload]),
    ).toEqual([
      [1, "1"],
      [2, null],
    ]);
    expect((await store.setValue("p", "k", 3)).version).toBe(3);
    await store.close();
  });

  it("refuses a malformed URL without repeating its password, and hands other parameters to the driver", async () => {
    // The parsing itself is tested once, in store-url.test.ts; this checks the backend uses it.
    expect(() => PostgresFeatureStore.fromUrl("mysql://u:s3cret@127.0.0.1/test")).toThrow(
      /starts with postgres/,
    );
    expect(() => PostgresFeatureStore.fromUrl("mysql://u:s3cret@127.0.0.1/test")).not.toThrow(/s3cret/);
    const applicationName = `fs_url_${randomBytes(4).toString("hex")}`;
    const store = await openStore(
      `${SERVER}?namespace=${freshNamespace()}&application_name=${applicationName}`,
    );
    await store.health();
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
      [applicationName],
    );
    expect(rows[0].n).toBeGreaterThan(0);
    await store.close();
  });

  it("reads 100 entities x 50 features in one query and writes a batch in one", async () => {
    const store = await open(freshNamespace(), { client: RecordingClient });
    const names = Array.from({ length: 50 }, (_, i) => `f${i}`);
    for (const n of names) await store.registerFeature({ name: n, featureType: "NUMERIC", valueType: "INT" });
    const ids = Array.from({ length: 100 }, (_, i) => `e${i}`);
    const writes = ids.flatMap((id, e) =>
      names.map((n, f) => ({ featureName: n, entityId: id, value: e * 100 + f })),
    );
    sent.length = 0;
    await store.setValues(writes);
    await store.setValues(writes.slice(0, 10).concat(writes.slice(0, 10)));
    expect(sent.map((s) => s.text.match(/INSERT INTO \S+\.(\w+)/)?.[1])).toEqual(["current", "current"]);
    sent.length = 0;
    const vectors = await store.getVectors(ids, names);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toMatch(/WHERE c\.entity = q\.entity OFFSET 0/);
    expect(vectors.map((v) => v.entityId)).toEqual(ids);
    for (const [e, vector] of vectors.entries())
      for (const [f, n] of names.entries()) expect(vector.values[n]).toBe(e * 100 + f);
    expect(vectors[0]?.entries[0]?.version).toBe(3);
    await store.close();
  });

  it("reads current values through the primary key on a table without statistics, and never JIT compiles", async () => {
    // Found by the benchmarks: with autovacuum off (or behind a bulk load) the current table has
    // no statistics, `entity = ANY(..)` was planned as a scan of every row (0.4 s at 2.4 million
    // rows) and JIT compiling took 160 ms per read. The read must not depend on ANALYZE.
    const ns = freshNamespace();
    recordingClients.length = 0;
    const store = await open(ns, { client: RecordingClient });
    const names = ["a", "b", "c"];
    for (const n of names) await store.registerFeature({ name: n, featureType: "NUMERIC", valueType: "INT" });
    const ids = Array.from({ length: 3000 }, (_, i) => `e${i}`);
    for (let i = 0; i < ids.length; i += 1000) {
      await store.setValues(
        ids
          .slice(i, i + 1000)
          .flatMap((id) => names.map((n) => ({ featureName: n, entityId: id, value: 1 }))),
      );
    }
    const { rows: analyzed } = await admin.query(
      "SELECT last_analyze, last_autoanalyze FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'current'",
      [`featurestore_${ns}`],
    );
    expect(analyzed).toEqual([{ last_analyze: null, last_autoanalyze: null }]);
    sent.length = 0;
    const wanted = ["e7", "e2999", "e7", "nobody"];
    const vectors = await store.getVectors(wanted, ["c", "a", "c"]);
    expect(vectors.map((v) => [v.entityId, v.values])).toEqual([
      ["e7", { c: 1, a: 1 }],
      ["e2999", { c: 1, a: 1 }],
      ["e7", { c: 1, a: 1 }],
      ["nobody", { c: null, a: null }],
    ]);
    expect(sent).toHaveLength(1);
    const { text, values } = sent[0] as { text: string; values: unknown[] };
    expect(values).toEqual([
      ["e7", "e2999", "nobody"],
      ["c", "a"],
    ]);
    const { rows } = await admin.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
    const plan = JSON.stringify(rows[0]["QUERY PLAN"]);
    // One probe of the primary key per entity, whatever the planner guesses about the table.
    expect(plan).toContain('"Index Name":"current_pkey"');
    expect(plan).toContain('"Index Cond":"(entity = q.entity)"');
    expect(plan).not.toContain('"Node Type":"Seq Scan"');
    expect(recordingClients.length).toBeGreaterThan(0);
    for (const client of recordingClients) {
      expect((await client.query("SHOW jit")).rows).toEqual([{ jit: "off" }]);
    }
    await store.close();
  });

  it("answers time travel, exact versions, history and current reads from indexes without sorting", async () => {
    const ns = freshNamespace();
    const store = await open(ns, { client: RecordingClient });
    await store.registerFeature({ name: "x", featureType: "NUMERIC", valueType: "INT" });
    const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d));
    for (let batch = 0; batch < 20; batch++) {
      await store.setValues(
        Array.from({ length: 100 }, (_, i) => ({
          featureName: "x",
          entityId: `e${i % 10}`,
          value: i,
          eventTime: day((i * 7 + batch) % 50),
        })),
      );
    }
    await admin.query(`ANALYZE "featurestore_${ns}".history`);
    sent.length = 0;
    await store.getValue("x", "e1", { asOf: day(20) });
    await store.getValue("x", "e1", { version: 3 });
    await store.history("x", "e1");
    await store.getValue("x", "e1");
    expect(sent).toHaveLength(4);
    const plans: string[] = [];
    await admin.query("BEGIN");
    try {
      await admin.query("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off");
      for (const { text, values } of sent) {
        const { rows } = await admin.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
        plans.push(JSON.stringify(rows[0]["QUERY PLAN"]));
      }
    } finally {
      await admin.query("ROLLBACK");
    }
    const [asOf, version, history, current] = plans as [string, string, string, string];
    expect(asOf).toContain('"Index Name":"history_as_of"');
    expect(version).toContain('"Index Name":"history_pkey"');
    expect(history).toContain('"Index Name":"history_pkey"');
    expect(current).toContain('"Index Name":"current_pkey"');
    // The as-of read sorts its own input rows by entity (so its lookups walk the index in order);
    // no plan sorts stored entries.
    const inputSort = /"Node Type":"Sort"[^{]*"Sort Key":\["q\.entity","q\.at"\]/g;
    expect(asOf).toMatch(inputSort);
    for (const plan of plans) expect(plan.replace(inputSort, "")).not.toContain('"Node Type":"Sort"');
    await store.close();
  });

  it("refuses a batch PostgreSQL cannot store as a whole, storing none of it", async () => {
    const store = await open(freshNamespace());
    await store.registerFeature({ name: "x", featureType: "NUMERIC", valueType: "INT" });
    await store.setValue("x", "ok", 1);
    const code = await errorCode(
      store.setValues([
        { featureName: "x", entityId: "ok", value: 2 },
        { featureName: "x", entityId: "nul\u0000id", value: 3 },
      ]),
    );
    expect(code).toBe("VALIDATION_FAILED");
    expect((await store.history("x", "ok")).map((h) => h.value)).toEqual([1]);
    expect((await store.setValue("x", "ok", 4)).version).toBe(2);
    await store.close();
  });

  it("fails to open with BACKEND_UNAVAILABLE when no server listens, and reports it in health", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const store = PostgresFeatureStore.fromUrl(`postgres://postgres@127.0.0.1:${port}/test?namespace=gone`);
    await expect(store.open()).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
      message: /postgres connection failed.*ECONNREFUSED/,
    });
    expect(await store.health()).toMatchObject({ ok: false, backend: "postgres", detail: /ECONNREFUSED/ });
    await store.close();
  });
});
