import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { FeatureStore, openStore } from "../../src/index.js";
import { SQLiteBackend, SQLiteFeatureStore } from "../../src/sqlite.js";
import { describeConformance, errorCode } from "../../src/testing.js";
import { expectConcurrentWritersGapFree, startWriter } from "./processes.js";

const dir = mkdtempSync(join(tmpdir(), "featurestore-sqlite-"));
let files = 0;
const nextFile = () => join(dir, `store-${files++}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeConformance({
  name: "sqlite",
  create: () => new SQLiteBackend(nextFile()),
  reopen: (backend) => new SQLiteBackend((backend as SQLiteBackend).path),
});

describe("sqlite store", () => {
  it("opens in WAL mode with synchronous=FULL by default, NORMAL on request", async () => {
    const path = nextFile();
    const store = await openStore(`sqlite://${path}`);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    const synchronous = async (backend: SQLiteBackend) => {
      const store = await new FeatureStore(backend).open();
      const level = (backend as unknown as { db: Database.Database }).db.pragma("synchronous", {
        simple: true,
      });
      await store.close();
      return level;
    };
    expect(await synchronous(new SQLiteBackend(path))).toBe(2);
    expect(await synchronous(new SQLiteBackend(path, { synchronous: "NORMAL" }))).toBe(1);
    const normal = await openStore(`sqlite://${path}?synchronous=NORMAL`);
    await normal.close();
  });

  it("takes relative and absolute paths in its URL and names the schemes for an unknown one", async () => {
    const absolute = nextFile();
    const a = await openStore(`sqlite://${absolute}`);
    await a.registerFeature({ name: "x", featureType: "NUMERIC", valueType: "INT" });
    await a.close();
    expect((await new SQLiteFeatureStore(absolute).open()).backend).toBe("sqlite");
    const rel = relative(process.cwd(), nextFile());
    const b = await openStore(`sqlite://${rel}`);
    await b.close();
    const fromRelative = await new SQLiteFeatureStore(rel).open();
    expect(fromRelative.path).toBe(rel);
    await fromRelative.close();
    const reopened = await openStore(`sqlite://${absolute}`);
    expect(await reopened.getDefinition("x")).not.toBeNull();
    await reopened.close();
    await expect(openStore("mysql://admin:s3cret@localhost/x")).rejects.toThrow(
      /mysql:\/\/.*use one of memory:\/\/, sqlite:\/\//,
    );
    await expect(openStore("mysql://admin:s3cret@localhost/x")).rejects.not.toThrow(/s3cret/);
    expect(await errorCode(openStore("mysql://localhost/x"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("constructor://x"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("sqlite://data/100%.db"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("features.db"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("sqlite://x.db?synchronous=OFF"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("sqlite://x.db?synchronus=NORMAL"))).toBe("INVALID_CONFIG");
  });

  it("reads 100 entities x 50 features in one query", async () => {
    const backend = new SQLiteBackend(nextFile());
    const store = await new FeatureStore(backend).open();
    const names = Array.from({ length: 50 }, (_, i) => `f${i}`);
    for (const n of names) await store.registerFeature({ name: n, featureType: "NUMERIC", valueType: "INT" });
    // Record every prepared statement the store runs, through the real statements.
    const statements: string[] = [];
    const originals = (backend as unknown as { statements: Record<string, Database.Statement> }).statements;
    for (const [key, stmt] of Object.entries(originals)) {
      const all = stmt.all.bind(stmt);
      const get = stmt.get.bind(stmt);
      originals[key] = Object.assign(Object.create(stmt), {
        all: (...args: unknown[]) => {
          statements.push(key);
          return all(...args);
        },
        get: (...args: unknown[]) => {
          statements.push(key);
          return get(...args);
        },
      });
    }
    const vectors = await store.getVectors(
      Array.from({ length: 100 }, (_, i) => `e${i}`),
      names,
    );
    expect(vectors).toHaveLength(100);
    expect(statements).toEqual(["currentRows"]);
    await store.close();
  });

  it("gives processes writing one file at once versions 1..n with no gap or repeat", async () => {
    await expectConcurrentWritersGapFree(`sqlite://${nextFile()}`);
  }, 120_000);

  it("refuses a file written by a newer schema version", async () => {
    const path = nextFile();
    await (await openStore(`sqlite://${path}`)).close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect(await errorCode(openStore(`sqlite://${path}`))).toBe("INVALID_CONFIG");
  });

  it("migrates a file of schema version 1, keeping its definitions, groups and values", async () => {
    const path = nextFile();
    const db = new Database(path);
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO meta VALUES ('schema_version', '1');
      CREATE TABLE definitions (name TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE groups (name TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE history (feature TEXT NOT NULL, entity TEXT NOT NULL, version INTEGER NOT NULL,
        event_time INTEGER NOT NULL, payload TEXT, PRIMARY KEY (feature, entity, version)) WITHOUT ROWID;
      CREATE INDEX history_as_of ON history (feature, entity, event_time, version);
      CREATE TABLE current (entity TEXT NOT NULL, feature TEXT NOT NULL, last_version INTEGER NOT NULL,
        version INTEGER NOT NULL, event_time INTEGER NOT NULL, payload TEXT, PRIMARY KEY (entity, feature)) WITHOUT ROWID;
      INSERT INTO definitions VALUES ('age', '["age","NUMERIC","INT","0",["user"],null,null,null]');
      INSERT INTO groups VALUES ('g', '["g",["age"],null,[]]');
      INSERT INTO history VALUES ('age', 'u1', 1, 1700000000000, '31');
      INSERT INTO current VALUES ('u1', 'age', 1, 1, 1700000000000, '31');
    `);
    db.close();
    const store = await openStore(`sqlite://${path}`);
    expect(await store.getDefinition("age")).toMatchObject({ name: "age", defaultValue: 0, tags: ["user"] });
    expect(await store.getGroup("g")).toMatchObject({ featureNames: ["age"] });
    expect((await store.getValue("age", "u1"))?.value).toBe(31);
    expect((await store.setValue("age", "u1", 32)).version).toBe(2);
    await store.close();
    const after = new Database(path, { readonly: true });
    const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables.map((t) => (t as { name: string }).name)).toEqual([
      "catalog",
      "current",
      "history",
      "meta",
    ]);
    expect(after.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: "4",
    });
    const indexes = after
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .all();
    expect(indexes).toEqual([
      { name: "current_by_feature" },
      { name: "history_as_of_entry" },
      { name: "history_by_time" },
    ]);
    // The explorer's reads of a feature walk its indexes, never the whole table.
    const plan = (sql: string, ...params: unknown[]) =>
      (after.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join("; ");
    expect(plan("SELECT min(event_time), max(event_time) FROM history WHERE feature = ?", "age")).toMatch(
      /history_by_time/,
    );
    expect(
      plan(
        "SELECT sum(payload IS NULL) FROM history WHERE feature = ? AND event_time BETWEEN ? AND ?",
        "age",
        0,
        1,
      ),
    ).toMatch(/COVERING INDEX history_by_time/);
    expect(
      plan("SELECT entity FROM current WHERE feature = ? AND entity > ? ORDER BY entity", "age", ""),
    ).toMatch(/current_by_feature/);
    after.close();
  });

  it("releases the database when opening fails, however often it is retried", async () => {
    const path = nextFile();
    await (await openStore(`sqlite://${path}`)).close();
    const db = new Database(path);
    db.prepare(
      "INSERT INTO catalog (kind, name, version, body) VALUES ('feature', 'broken', 1, 'not json')",
    ).run();
    db.close();
    const openHandles = () =>
      readdirSync("/proc/self/fd").filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path);
        } catch {
          return false;
        }
      }).length;
    const store = new SQLiteFeatureStore(path);
    for (let i = 0; i < 3; i++) expect(await errorCode(store.open())).toBe("BACKEND_UNAVAILABLE");
    expect(openHandles()).toBe(0);
    expect((await store.health()).ok).toBe(false);
    expect(openHandles()).toBe(0);
    await store.close();
  });

  it("loses no acknowledged write when the writer is killed with SIGKILL", async () => {
    const url = `sqlite://${nextFile()}`;
    const writer = startWriter(url, "k", 0);
    await writer.acked(200);
    writer.child.kill("SIGKILL");
    expect(await writer.exited).toBe("SIGKILL");
    const acked = [...writer.acks];
    const store = await openStore(url);
    const history = await store.history("counter", "shared");
    const byVersion = new Map(history.map((h) => [h.version, h.value]));
    for (const [version, value] of acked) expect(byVersion.get(version)).toBe(value);
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
    expect(history.length).toBeGreaterThanOrEqual(acked.length);
    await store.close();
  }, 60_000);
});
